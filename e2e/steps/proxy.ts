import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { stringify } from 'yaml';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/free-port.js';
import { logTail } from '../support/kas-process.js';
import { issueWebhookCertificate } from '../support/webhook-certificate.js';

/** The proxy executable built by `npm run build` (apps/proxy). */
export const proxyBinary = path.resolve(import.meta.dirname, '../../apps/proxy/dist/main.js');

/** One proxy sidecar of a pretend pod, as a separate process. */
export interface MeshProxy {
  readonly podName: string;
  readonly port: number;
  readonly adminPort: number;
  /**
   * A kubeconfig for the pod's controller: the proxy as an HTTPS server (client-go sends bearer
   * tokens only over TLS), its CA, and the admin's own token, which the proxy forwards unchanged.
   */
  readonly kubeconfig: string;
  readonly logFile: string;
  running(): boolean;
  /** The proxy's /metrics text. */
  metrics(): Promise<string>;
  /** The status code of its /readyz. */
  readyz(): Promise<number>;
  /** SIGTERM and wait for the drain. */
  stop(): Promise<void>;
  /** SIGKILL at once. */
  kill(): Promise<void>;
  /** Starts the process again with the same flags and ports (e.g. after `stop`). */
  restart(): Promise<void>;
}

/** How to start one proxy. */
export interface MeshProxyOptions {
  podName: string;
  podNamespace: string;
  podLabels: Record<string, string>;
  virtualAppFile: string;
  /** The proxy's own token file (namespace labels); see {@link givenProxyIdentity}. */
  tokenFile: string;
  workDir: string;
  /** Where the last known routes are persisted; defaults to `<workDir>/<podName>.routes.json`. */
  stateFile?: string;
  /** Wait for /readyz (default); false for a proxy that is expected to fail closed. */
  waitReady?: boolean;
  /** `given` (default): a certificate issued by kas; `self-signed`: one the proxy makes at start. */
  tls?: 'given' | 'self-signed';
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

/**
 * Gives the proxies an identity of their own: the run's token user `bob`, allowed to get, list and
 * watch namespaces (the labels routes depend on), and nothing else. Returns its token file.
 */
export async function givenProxyIdentity(admin: KubeConfig, workDir: string): Promise<string> {
  const bob = inject('kas').users.find((user) => user.name === 'bob');
  if (!bob) throw new Error('the run has no token user "bob"');
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  const name = 'e2e-ctrlmesh-proxy-namespaces';
  try {
    await rbac.createClusterRole({
      body: {
        metadata: { name },
        rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] }],
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

/** Writes a VirtualApp as YAML (the proxy polls the file, so rewriting it changes the routes). */
export async function givenVirtualApp(file: string, app: Record<string, unknown>): Promise<void> {
  const tmp = `${file}.tmp`;
  await writeFile(tmp, stringify(app));
  await rename(tmp, file);
}

/**
 * Starts `apps/proxy` for a pretend pod, pointed at the run's kube-apiserver (CA verified), and
 * waits until it is ready (routes loaded, namespace labels synced).
 */
export async function givenProxy(options: MeshProxyOptions): Promise<MeshProxy> {
  if (!existsSync(proxyBinary))
    throw new Error(`${proxyBinary} is missing: run npm run build first`);
  const kas = inject('kas');
  const port = await freePort();
  const adminPort = await freePort();
  const logFile = path.join(options.workDir, `${options.podName}.proxy.log`);
  const kubeconfig = path.join(options.workDir, `${options.podName}.kubeconfig`);
  const tlsDir = path.join(options.workDir, `${options.podName}-tls`);
  await mkdir(tlsDir, { recursive: true });
  const selfSigned = options.tls === 'self-signed';
  if (!selfSigned) await issueWebhookCertificate(tlsDir);
  await writeFile(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'mesh',
      clusters: [
        {
          name: 'mesh',
          cluster: {
            server: `https://127.0.0.1:${port}`,
            'certificate-authority': path.join(tlsDir, 'ca.crt'),
          },
        },
      ],
      users: [{ name: 'controller', user: { token: kas.admin.token } }],
      contexts: [{ name: 'mesh', context: { cluster: 'mesh', user: 'controller' } }],
    }),
  );
  const args = [
    proxyBinary,
    `--virtualapp=${options.virtualAppFile}`,
    `--state-file=${options.stateFile ?? path.join(options.workDir, `${options.podName}.routes.json`)}`,
    `--pod-name=${options.podName}`,
    `--pod-namespace=${options.podNamespace}`,
    `--pod-labels=${Object.entries(options.podLabels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}`,
    `--listen-port=${port}`,
    ...(selfSigned
      ? ['--tls-self-signed', `--tls-ca-out=${path.join(tlsDir, 'ca.crt')}`]
      : [
          `--tls-cert-file=${path.join(tlsDir, 'tls.crt')}`,
          `--tls-key-file=${path.join(tlsDir, 'tls.key')}`,
        ]),
    `--admin-port=${adminPort}`,
    `--upstream=${kas.url}`,
    `--upstream-ca-file=${kas.caFile}`,
    `--token-file=${options.tokenFile}`,
    '--drain-timeout-ms=2000',
    '--log-level=info',
  ];
  let child: ChildProcess;
  const launch = () => {
    const log = openSync(logFile, 'a');
    child = spawn(process.execPath, args, { stdio: ['ignore', log, log] });
    closeSync(log);
  };
  const ready = () =>
    eventually(
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`proxy exited with ${child.exitCode}:\n${await logTail(logFile)}`);
        }
        const response = await fetch(`http://127.0.0.1:${adminPort}/readyz`);
        if (response.status !== 200) throw new Error(await response.text());
      },
      { what: `proxy ${options.podName} to be ready`, timeoutMs: 20_000 },
    );
  launch();
  if (options.waitReady !== false) await ready();
  return {
    podName: options.podName,
    port,
    adminPort,
    kubeconfig,
    logFile,
    running: () => child.exitCode === null && child.signalCode === null,
    metrics: async () => (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text(),
    readyz: async () => fetch(`http://127.0.0.1:${adminPort}/readyz`).then((r) => r.status),
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
    restart: async () => {
      launch();
      if (options.waitReady !== false) await ready();
    },
  };
}
