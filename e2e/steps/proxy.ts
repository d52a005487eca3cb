import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';
import {
  grantProxyIdentity,
  grantProxyRoutesIdentity,
  type MeshProxy,
  type MeshProxyOptions,
  startMeshProxy,
} from '../support/mesh-proxy.js';

export type { MeshProxy, MeshProxyOptions } from '../support/mesh-proxy.js';

import { writeVirtualApp } from '../support/virtual-app-file.js';

export { writeVirtualApp as givenVirtualApp } from '../support/virtual-app-file.js';

/**
 * Gives the proxies an identity of their own (the run's token user `bob`, with the RBAC that
 * proxy-runtime's README documents; see `grantProxyIdentity`) and returns its token file.
 */
export function givenProxyIdentity(admin: KubeConfig, workDir: string): Promise<string> {
  return grantProxyIdentity(admin, inject('kas'), workDir);
}

/**
 * Grants the proxies' identity what cluster mode needs in `namespace` (the Role proxy-runtime's
 * README documents; see `grantProxyRoutesIdentity`).
 */
export function givenProxyRoutesIdentity(admin: KubeConfig, namespace: string): Promise<void> {
  return grantProxyRoutesIdentity(admin, namespace);
}

/**
 * Starts `apps/proxy` for a pretend pod in front of the run's kube-apiserver and waits until it is
 * ready (see `startMeshProxy`).
 */
export function givenProxy(options: MeshProxyOptions): Promise<MeshProxy> {
  return startMeshProxy(inject('kas'), options);
}

/** What {@link givenFencedProxy} sets up. */
export interface FencedProxy {
  /** The VirtualApp's name, its app label and (with `-0`) the pod's name. */
  readonly app: string;
  /** The pod's namespace. */
  readonly namespace: string;
  /** Namespace labels the VirtualApp's one global limit selects: the app sees nothing else. */
  readonly fence: Record<string, string>;
  readonly leaderElectionName?: string;
  readonly workDir: string;
}

/**
 * One pod of an app with no subsets, fenced to the namespaces labelled `fence`, behind a proxy
 * on plain HTTP (so raw HTTP clients can send the admin token on loopback): the set-up of stories
 * about the proxy itself rather than about routing.
 */
export async function givenFencedProxy(
  admin: KubeConfig,
  { app, namespace, fence, leaderElectionName, workDir }: FencedProxy,
): Promise<MeshProxy> {
  const virtualAppFile = path.join(workDir, 'virtualapp.yaml');
  await writeVirtualApp(virtualAppFile, {
    apiVersion: 'ctrlmesh.io/v1alpha1',
    kind: 'VirtualApp',
    metadata: { name: app, namespace },
    spec: {
      selector: { matchLabels: { app } },
      ...(leaderElectionName === undefined
        ? {}
        : { configuration: { controller: { leaderElectionName } } }),
      route: { globalLimits: [{ namespaceSelector: { matchLabels: fence } }] },
    },
  });
  return givenProxy({
    podName: `${app}-0`,
    podNamespace: namespace,
    podLabels: { app },
    virtualAppFile,
    tokenFile: await givenProxyIdentity(admin, workDir),
    workDir,
    tls: 'plain-http',
  });
}
