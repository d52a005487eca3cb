import { KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';

/** A KubeConfig for the run's admin (system:masters). */
export function adminKubeConfig(): KubeConfig {
  return loadKubeConfig(inject('kas').admin.kubeconfig);
}

/** A KubeConfig for one of the run's non-admin token users, e.g. "alice". */
export function userKubeConfig(name: string): KubeConfig {
  const kas = inject('kas');
  const user = kas.users.find((candidate) => candidate.name === name);
  if (!user) {
    const known = kas.users.map((candidate) => candidate.name).join(', ');
    throw new Error(`no token user "${name}" in this run (known: ${known})`);
  }
  return loadKubeConfig(user.kubeconfig);
}

function loadKubeConfig(file: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(file);
  return config;
}
