import type { KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';
import {
  grantProxyIdentity,
  type MeshProxy,
  type MeshProxyOptions,
  startMeshProxy,
} from '../support/mesh-proxy.js';

export type { MeshProxy, MeshProxyOptions } from '../support/mesh-proxy.js';
export { writeVirtualApp as givenVirtualApp } from '../support/virtual-app-file.js';

/**
 * Gives the proxies an identity of their own (the run's token user `bob`, with the RBAC that
 * proxy-runtime's README documents; see `grantProxyIdentity`) and returns its token file.
 */
export function givenProxyIdentity(admin: KubeConfig, workDir: string): Promise<string> {
  return grantProxyIdentity(admin, inject('kas'), workDir);
}

/**
 * Starts `apps/proxy` for a pretend pod in front of the run's kube-apiserver and waits until it is
 * ready (see `startMeshProxy`).
 */
export function givenProxy(options: MeshProxyOptions): Promise<MeshProxy> {
  return startMeshProxy(inject('kas'), options);
}
