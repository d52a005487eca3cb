import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  AuthorizationV1Api,
  type KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { eventually } from './eventually.js';
import { freePort } from './free-port.js';
import {
  type ExitStatus,
  type LoggedProcess,
  logTail,
  startLoggedProcess,
} from './logged-process.js';
import { documentedProxyRbac, documentedProxyRoutesRbac } from './proxy-rbac.js';
import type { KasReadyFile } from './ready-file.js';
import { issueWebhookCertificate } from './webhook-certificate.js';

/** The proxy executable built by `npm run build` (apps/proxy). */
export const proxyBinary = path.resolve(import.meta.dirname, '../../apps/proxy/dist/main.js');

/** One proxy sidecar of a pretend pod, as a separate process. */
export interface MeshProxy {
  readonly podName: string;
  readonly port: number;
  readonly adminPort: number;
  /** `https://127.0.0.1:<port>` (`http://` in `plain-http` mode), where the pod's controller reaches it. */
  readonly origin: string;
  /** The CA of the proxy's serving certificate (PEM file), for clients to verify it; none in `plain-http` mode. */
  readonly caFile: string | undefined;
  /** The current process id (it changes on `restart`). */
  readonly pid: number;
  /**
   * A kubeconfig for the pod's controller: the proxy as an HTTPS server (client-go sends bearer
   * tokens only over TLS), its CA, and the admin's own token, which the proxy forwards unchanged;
   * the plain `http://` origin and no CA in `plain-http` mode.
   */
  readonly kubeconfig: string;
  readonly logFile: string;
  running(): boolean;
  /** The proxy's /metrics text. */
  metrics(): Promise<string>;
  /** The status code of its /readyz. */
  readyz(): Promise<number>;
  /**
   * SIGTERM and wait for the drain (a CPU profile asked for with `nodeArgs` is written then);
   * SIGKILL if it has not exited after `graceMs` (default 10 s). Resolves with how it exited.
   */
  stop(graceMs?: number): Promise<ExitStatus>;
  /** SIGKILL at once. */
  kill(): Promise<ExitStatus>;
  /** Starts the process again with the same flags and ports (e.g. after `stop`). */
  restart(): Promise<void>;
}

/** How to start one proxy. */
export interface MeshProxyOptions {
  podName: string;
  podNamespace: string;
  podLabels: Record<string, string>;
  /** The VirtualApp file to take routes from; or, in cluster mode, {@link virtualAppName}. */
  virtualAppFile?: string;
  /**
   * Cluster mode (`--virtualapp-name`): the VirtualApp in `podNamespace` whose published revisions
   * the proxy follows with its own token (which then needs {@link grantProxyRoutesIdentity} too).
   */
  virtualAppName?: string;
  /** The proxy's own token file (namespace labels); see {@link grantProxyIdentity}. */
  tokenFile: string;
  workDir: string;
  /** Where the last known routes are persisted; defaults to `<workDir>/<podName>.routes.json`. */
  stateFile?: string;
  /** Wait for /readyz (default); false for a proxy that is expected to fail closed. */
  waitReady?: boolean;
  /**
   * `given` (default): a certificate issued by kas; `self-signed`: one the proxy makes at start;
   * `plain-http`: the proxy's own default listener, plain HTTP on loopback (for clients that send
   * their token over HTTP, as undici does; client-go sends bearer tokens only over TLS).
   */
  tls?: 'given' | 'self-signed' | 'plain-http';
  /** Node flags for the proxy process, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Environment for the proxy process on top of this process's own. */
  env?: Record<string, string>;
  /** `--log-level` (default `info`). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Bound on the wait for /readyz (default 20 s). */
  readyTimeoutMs?: number;
  /** More `ctrlmesh-proxy` flags, after the ones above (e.g. `--webhook-*`). */
  extraArgs?: string[];
}

const proxyRoleName = 'e2e-ctrlmesh-proxy-namespaces';

/**
 * Gives the proxies an identity of their own: kas's token user `bob`, granted the rules
 * proxy-runtime's README documents for the proxy's token (namespaces get, list and watch;
 * discovery) and nothing else. Returns its token file.
 */
export async function grantProxyIdentity(
  admin: KubeConfig,
  kas: KasReadyFile,
  workDir: string,
): Promise<string> {
  const bob = kas.users.find((user) => user.name === 'bob');
  if (!bob) throw new Error('kas has no token user "bob"');
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  const name = proxyRoleName;
  try {
    await rbac.createClusterRole({
      body: {
        metadata: { name },
        rules: documentedProxyRbac().clusterRole.rules,
      },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }],
      },
    });
  } catch (error) {
    // Another scenario of the same run made it already.
    if ((error as { code?: number }).code !== 409) throw error;
  }
  const tokenFile = path.join(workDir, 'proxy-token');
  await writeFile(tokenFile, `${bob.token}\n`, { mode: 0o600 });
  return tokenFile;
}

// Exactly one source of routes: a file, or the cluster.
const routeSourceArgs = (options: MeshProxyOptions): string[] => {
  const { virtualAppFile, virtualAppName } = options;
  if ((virtualAppFile === undefined) === (virtualAppName === undefined))
    throw new Error('a mesh proxy takes exactly one of virtualAppFile and virtualAppName');
  return virtualAppFile === undefined
    ? [`--virtualapp-name=${virtualAppName}`]
    : [`--virtualapp=${virtualAppFile}`];
};

/**
 * Grants the proxies' identity (kas's token user `bob`, see {@link grantProxyIdentity}) what
 * cluster mode needs in `namespace`: the Role that proxy-runtime's README documents ("Routes from
 * the cluster": read VirtualApps, ControllerRevisions and pods; patch pods/status), and nothing
 * else. Waits until it applies.
 */
export async function grantProxyRoutesIdentity(
  admin: KubeConfig,
  namespace: string,
): Promise<void> {
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  const { role } = documentedProxyRoutesRbac();
  const name = role.metadata?.name ?? 'ctrlmesh-proxy-routes';
  await rbac.createNamespacedRole({
    namespace,
    body: { metadata: { name, namespace }, rules: role.rules },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }],
    },
  });
  const bob = admin.makeApiClient(AuthorizationV1Api);
  await eventually(
    async () => {
      const review = await bob.createSubjectAccessReview({
        body: {
          spec: {
            user: 'bob',
            resourceAttributes: {
              namespace,
              resource: 'pods',
              subresource: 'status',
              verb: 'patch',
            },
          },
        },
      });
      if (!review.status?.allowed) throw new Error('patching pods/status is not allowed yet');
    },
    { what: `Role ${name} to apply to bob in ${namespace}` },
  );
}

/** A kubeconfig that reaches `server` as `token`, over TLS verified with `caFile` when given. */
const controllerKubeconfig = (server: string, caFile: string | undefined, token: string): string =>
  stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'mesh',
    clusters: [
      {
        name: 'mesh',
        cluster: caFile === undefined ? { server } : { server, 'certificate-authority': caFile },
      },
    ],
    users: [{ name: 'controller', user: { token } }],
    contexts: [{ name: 'mesh', context: { cluster: 'mesh', user: 'controller' } }],
  });

/**
 * Starts `apps/proxy` for a pretend pod in front of `kas` (CA verified) and waits until it is
 * ready (routes loaded, namespace labels synced). A proxy that is not ready in time is stopped
 * before the error is thrown; one still running when this process exits is killed.
 */
export async function startMeshProxy(
  kas: KasReadyFile,
  options: MeshProxyOptions,
): Promise<MeshProxy> {
  if (!existsSync(proxyBinary))
    throw new Error(`${proxyBinary} is missing: run npm run build first`);
  const port = await freePort();
  const adminPort = await freePort();
  const plain = options.tls === 'plain-http';
  const origin = `${plain ? 'http' : 'https'}://127.0.0.1:${port}`;
  const logFile = path.join(options.workDir, `${options.podName}.proxy.log`);
  const kubeconfig = path.join(options.workDir, `${options.podName}.kubeconfig`);
  const tlsDir = path.join(options.workDir, `${options.podName}-tls`);
  const caPath = path.join(tlsDir, 'ca.crt');
  const caFile = plain ? undefined : caPath;
  const selfSigned = options.tls === 'self-signed';
  if (!plain) await mkdir(tlsDir, { recursive: true });
  if (options.tls === undefined || options.tls === 'given') await issueWebhookCertificate(tlsDir);
  await writeFile(kubeconfig, controllerKubeconfig(origin, caFile, kas.admin.token));
  const args = [
    ...(options.nodeArgs ?? []),
    proxyBinary,
    ...routeSourceArgs(options),
    `--state-file=${options.stateFile ?? path.join(options.workDir, `${options.podName}.routes.json`)}`,
    `--pod-name=${options.podName}`,
    `--pod-namespace=${options.podNamespace}`,
    `--pod-labels=${Object.entries(options.podLabels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}`,
    `--listen-port=${port}`,
    ...(plain
      ? []
      : selfSigned
        ? ['--tls-self-signed', `--tls-ca-out=${caPath}`]
        : [
            `--tls-cert-file=${path.join(tlsDir, 'tls.crt')}`,
            `--tls-key-file=${path.join(tlsDir, 'tls.key')}`,
          ]),
    `--admin-port=${adminPort}`,
    `--upstream=${kas.url}`,
    `--upstream-ca-file=${kas.caFile}`,
    `--token-file=${options.tokenFile}`,
    '--drain-timeout-ms=2000',
    `--log-level=${options.logLevel ?? 'info'}`,
    ...(options.extraArgs ?? []),
  ];
  // A restart starts a new process, appending to the same log.
  let child: LoggedProcess;
  const launch = () => {
    child = startLoggedProcess({
      file: process.execPath,
      args,
      env: { ...process.env, ...options.env },
      logFile,
    });
  };
  const ready = async () => {
    if (options.waitReady === false) return;
    try {
      await eventually(
        async () => {
          if (!child.running()) {
            const { exitCode, signal } = await child.exited;
            throw new Error(`proxy exited with ${exitCode ?? signal}:\n${await logTail(logFile)}`);
          }
          const response = await fetch(`http://127.0.0.1:${adminPort}/readyz`);
          if (response.status !== 200) throw new Error(await response.text());
        },
        {
          what: `proxy ${options.podName} to be ready`,
          timeoutMs: options.readyTimeoutMs ?? 20_000,
        },
      );
    } catch (error) {
      await child.stop(2_000);
      throw error;
    }
  };
  launch();
  await ready();
  return {
    podName: options.podName,
    port,
    adminPort,
    origin,
    caFile,
    get pid() {
      return child.pid;
    },
    kubeconfig,
    logFile,
    running: () => child.running(),
    metrics: async () => (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text(),
    readyz: async () => fetch(`http://127.0.0.1:${adminPort}/readyz`).then((r) => r.status),
    stop: (graceMs) => child.stop(graceMs),
    kill: () => child.kill(),
    restart: async () => {
      launch();
      await ready();
    },
  };
}
