import { setTimeout as sleep } from 'node:timers/promises';

/** Bounds of an `eventually` wait; `what` completes "timed out waiting for ...". */
export interface EventuallyOptions {
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Calls `probe` until it returns without throwing and resolves with its value. After `timeoutMs`
 * it rejects with what it waited for and the probe's last error, so a failure reads as a sentence.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  { what, timeoutMs = 30_000, intervalMs = 200 }: EventuallyOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() + intervalMs > deadline) {
        const last = error instanceof Error ? error.message : String(error);
        throw new Error(
          `timed out after ${timeoutMs} ms (${attempt} attempts) waiting for ${what}; last error: ${last}`,
        );
      }
    }
    await sleep(intervalMs);
  }
}
