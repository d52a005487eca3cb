import type { KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { adminKubeConfigOf, tokenKubeConfigOf, userKubeConfigOf } from './kas-kube-configs.js';

/** A KubeConfig for the run's admin (system:masters). */
export function adminKubeConfig(): KubeConfig {
  return adminKubeConfigOf(inject('kas'));
}

/** A KubeConfig for one of the run's non-admin token users, e.g. "alice". */
export function userKubeConfig(name: string): KubeConfig {
  return userKubeConfigOf(inject('kas'), name);
}

/** A KubeConfig for a bearer `token` (a service account's, say) against the run's kas. */
export function tokenKubeConfig(name: string, token: string): KubeConfig {
  return tokenKubeConfigOf(inject('kas'), name, token);
}
