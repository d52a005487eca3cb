import type { ManagerMetrics } from '../observe/metrics.js';
import { StatusConflict } from './ports.js';

/**
 * Runs one call to the apiserver of a sync, counting a failure by its operation; a conflict is
 * not a failure (the sync reads again and decides again).
 */
export const step = async <T>(
  metrics: ManagerMetrics,
  operation: string,
  call: () => Promise<T>,
): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof StatusConflict)) metrics.failed(operation);
    throw error;
  }
};

/** Tries after a conflict before the queue's backoff takes over. */
export const CONFLICT_ATTEMPTS = 3;
