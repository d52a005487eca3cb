import type { KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { adminKubeConfigOf, userKubeConfigOf } from './kas-kube-configs.js';

/** A KubeConfig for the run's admin (system:masters). */
export function adminKubeConfig(): KubeConfig {
  return adminKubeConfigOf(inject('kas'));
}

/** A KubeConfig for one of the run's non-admin token users, e.g. "alice". */
export function userKubeConfig(name: string): KubeConfig {
  return userKubeConfigOf(inject('kas'), name);
}
