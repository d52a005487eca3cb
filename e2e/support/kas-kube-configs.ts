import { KubeConfig } from '@kubernetes/client-node';
import type { KasReadyFile } from './ready-file.js';

/** Loads a kubeconfig file into a client-node KubeConfig. */
export function loadKubeConfig(file: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(file);
  return config;
}

/** A KubeConfig for kas's admin (system:masters). */
export function adminKubeConfigOf(kas: KasReadyFile): KubeConfig {
  return loadKubeConfig(kas.admin.kubeconfig);
}

/** A KubeConfig for one of kas's non-admin token users, e.g. "alice". */
export function userKubeConfigOf(kas: KasReadyFile, name: string): KubeConfig {
  const user = kas.users.find((candidate) => candidate.name === name);
  if (!user) {
    const known = kas.users.map((candidate) => candidate.name).join(', ');
    throw new Error(`no token user "${name}" in this run (known: ${known})`);
  }
  return loadKubeConfig(user.kubeconfig);
}

/** A KubeConfig that reaches kas with a bearer `token` (e.g. a service account's), verifying kas's CA. */
export function tokenKubeConfigOf(kas: KasReadyFile, name: string, token: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromClusterAndUser(
    { name: 'kas', server: kas.url, caFile: kas.caFile, skipTLSVerify: false },
    { name, token },
  );
  return config;
}
