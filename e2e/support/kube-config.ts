import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
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

/**
 * A KubeConfig for ServiceAccount `namespace/name`, with a token `admin` requests for it
 * (TokenRequest, not bound to a pod), valid `expirationSeconds`.
 */
export async function serviceAccountKubeConfig(
  admin: KubeConfig,
  namespace: string,
  name: string,
  expirationSeconds = 3600,
): Promise<KubeConfig> {
  const request = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds } },
  });
  return tokenKubeConfig(name, request.status?.token ?? '');
}
