import { inject } from 'vitest';
import { adminKubeConfig } from './kube-config.js';
import { createRunNamespace } from './run-namespace.js';

export { runIdLabel } from './run-namespace.js';

/**
 * Creates a namespace `<prefix>-<random>` labelled with this vitest run's id (plus `labels`) and
 * returns its name (see `createRunNamespace`).
 */
export function uniqueNamespace(
  prefix: string,
  labels: Record<string, string> = {},
): Promise<string> {
  return createRunNamespace({ admin: adminKubeConfig(), runId: inject('runId') }, prefix, labels);
}
