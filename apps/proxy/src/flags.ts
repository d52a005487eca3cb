import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ProxyConfigInput } from '@ctrlmesh/proxy-runtime';
import packageJson from '../package.json' with { type: 'json' };
import { kubeconfigUpstream } from './kubeconfig-upstream.js';

/** This build's version, apps/proxy/package.json's (tsup inlines it). */
export const VERSION: string = packageJson.version;

/** The command line, as `--help` prints it. */
export const USAGE = `ctrlmesh-proxy: the ControllerMesh sidecar between a controller and the kube-apiserver.

Usage: ctrlmesh-proxy [flags]

Routes
  --virtualapp FILE            VirtualApp YAML to take routes from (watched for changes)
  --virtualapp-name NAME       cluster mode: follow VirtualApp NAME in the pod's namespace and the
                               revisions its status.routing publishes; reports the condition
                               ctrlmesh.io/RoutesApplied on its own pod (needs --token-file,
                               --pod-name, --pod-namespace); webhook peers come from its Ready pods
  --state-file FILE            where the last known routes are persisted and reloaded from
  --max-routes-file-bytes N (1048576)  a larger VirtualApp or state file is refused, routes kept
  --leader-election-name NAME  overrides spec.configuration.controller.leaderElectionName
  --user-agent-override UA     overrides restConfigOverrides.userAgentOrPrefix (ending in / = prefix)
Traffic policies               (DESIGN §8; README "Traffic policies" has a worked example of each)
  --traffic-policy FILE        YAML/JSON TrafficPolicy and FaultInjection documents (--- between
                               them), polled every second; an invalid file keeps the last good set.
                               Without it, cluster mode follows both kinds in the pod's namespace.
                               Rate limits answer 429 and open breakers 503, with Retry-After;
                               faults delay or abort requests, cut watches, slow lists, and delay
                               or deny admission reviews. Metrics: ctrlmesh_proxy_policy_rejections_total,
                               ctrlmesh_proxy_circuit_breaker_state, ctrlmesh_proxy_faults_injected_total
Pod                            (env: POD_NAME, POD_NAMESPACE, POD_LABELS)
  --pod-name NAME  --pod-namespace NS
  --pod-labels k=v,k=v         the pod's labels (decide its subset)
  --pod-labels-file FILE       the same, in the downward API format (k="v" per line)
Serving
  --listen-host HOST (127.0.0.1)  --listen-port PORT (5443)
  --tls-cert-file FILE --tls-key-file FILE   serve HTTPS with this certificate
  --tls-self-signed [--tls-ca-out FILE]      serve HTTPS with a certificate made at start (its CA to FILE)
  --tls-self-signed-state FILE  keep that certificate and its private key in FILE (PEM, mode 0600)
                               and serve them again after a restart while they name the same hosts
                               and stay valid 30 more days, so the controller's loaded CA still
                               holds; otherwise a new one is made, saved and the reason logged.
                               Keep FILE out of the controller's reach (it holds the key)
  --serviceaccount-from DIR    with --tls-ca-out: link token and namespace beside the CA to DIR's,
                               making the CA's folder the controller's service-account folder
  --admin-host HOST (127.0.0.1)   --admin-port PORT (5441): /metrics /healthz /readyz
Upstream                       (default: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT
                                with the service account's ca.crt)
  --upstream URL  --upstream-ca-file FILE  --kubeconfig FILE (server and CA of its current context)
  --insecure-skip-tls-verify   do not verify the apiserver (test clusters only)
  --token-file FILE            the proxy's own token: namespace labels, discovery and, in cluster mode,
                               its VirtualApp, revisions and pods (needed to be ready)
  --upstream-connections N (64)  connections for short requests, per pool (gets and lists; writes)
  --upstream-long-running-connections N (1024)
                               connections for watches, log follows, exec/attach/port-forward
  --upstream-http2             short requests over HTTP/2 (multiplexed); watches stay on HTTP/1.1
Webhook front                  (off unless --webhook-cert-dir or --webhook-controller-port is set)
  --webhook-cert-dir DIR       the controller's cert dir (tls.crt/tls.key or cert.pem/key.pem), reloaded on change
  --webhook-controller-port P  the controller's own webhook port on 127.0.0.1
  --webhook-host HOST (0.0.0.0)  --webhook-port PORT (5445): where the apiserver reaches the front
  --webhook-ca-file FILE       CA for the controller's webhook and peers (default DIR/ca.crt, else the cert)
  --webhook-peers FILE         YAML/JSON: subset -> [https://host:port, ...] fronts of its ready pods
                               ("(default)" for the default subset); reloaded on change
  --webhook-failure-policy Fail|Ignore (Fail)  a review the proxy cannot get decided: denied, or allowed
Other
  --max-frame-bytes N  --drain-timeout-ms N  --log-level debug|info|warn|error  --help  --version
`;

/** Every flag, for node:util's parseArgs. */
export const OPTIONS = {
  virtualapp: { type: 'string' },
  'virtualapp-name': { type: 'string' },
  'state-file': { type: 'string' },
  'max-routes-file-bytes': { type: 'string' },
  'leader-election-name': { type: 'string' },
  'user-agent-override': { type: 'string' },
  'traffic-policy': { type: 'string' },
  'pod-name': { type: 'string' },
  'pod-namespace': { type: 'string' },
  'pod-labels': { type: 'string' },
  'pod-labels-file': { type: 'string' },
  'listen-host': { type: 'string' },
  'listen-port': { type: 'string' },
  'tls-cert-file': { type: 'string' },
  'tls-key-file': { type: 'string' },
  'tls-self-signed': { type: 'boolean' },
  'tls-ca-out': { type: 'string' },
  'tls-self-signed-state': { type: 'string' },
  'serviceaccount-from': { type: 'string' },
  'admin-host': { type: 'string' },
  'admin-port': { type: 'string' },
  upstream: { type: 'string' },
  'upstream-ca-file': { type: 'string' },
  kubeconfig: { type: 'string' },
  'insecure-skip-tls-verify': { type: 'boolean' },
  'token-file': { type: 'string' },
  'upstream-connections': { type: 'string' },
  'upstream-long-running-connections': { type: 'string' },
  'upstream-http2': { type: 'boolean' },
  'webhook-cert-dir': { type: 'string' },
  'webhook-controller-port': { type: 'string' },
  'webhook-host': { type: 'string' },
  'webhook-port': { type: 'string' },
  'webhook-ca-file': { type: 'string' },
  'webhook-peers': { type: 'string' },
  'webhook-failure-policy': { type: 'string' },
  'max-frame-bytes': { type: 'string' },
  'drain-timeout-ms': { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean' },
  version: { type: 'boolean' },
} as const;

const SERVICE_ACCOUNT_CA = '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';

/** `k=v,k=v` or downward-API lines (`k="v"`) to a label map. */
export const parseLabels = (text: string, separator: RegExp): Record<string, string> => {
  const labels: Record<string, string> = {};
  for (const part of text.split(separator)) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    const raw = eq < 0 ? '' : item.slice(eq + 1);
    labels[key] = raw.startsWith('"') && raw.endsWith('"') ? (JSON.parse(raw) as string) : raw;
  }
  return labels;
};

const num = (value: string | undefined): number | undefined =>
  value === undefined ? undefined : Number(value);

const parseCommandLine = (argv: readonly string[]) =>
  parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;

/** The flags given, by name (without the dashes). */
export type FlagValues = ReturnType<typeof parseCommandLine>;

/**
 * The outcome of reading the command line: text to print before exiting 0 (`--help`,
 * `--version`), or a raw config for ProxyConfigSchema.
 */
export type Flags =
  | { readonly help: true; readonly text: string }
  | { readonly help: false; readonly input: ProxyConfigInput };

/**
 * Reads flags and environment into a raw config; validation and defaults are the schema's job.
 * Throws (with a message for the user) only on unknown flags and unreadable or unusable files.
 */
export const parseFlags = (argv: readonly string[], env: NodeJS.ProcessEnv): Flags => {
  const values = parseCommandLine(argv);
  if (values.help) return { help: true, text: USAGE };
  if (values.version) return { help: true, text: `${VERSION}\n` };
  return { help: false, input: configInput(values, env, (file) => readFileSync(file, 'utf8')) };
};

/**
 * The raw config that flag values and environment make, reading the files they name with
 * `readText`. Flags win over the environment, and `--upstream*` over `--kubeconfig`.
 */
export const configInput = (
  v: FlagValues,
  env: NodeJS.ProcessEnv,
  readText: (file: string) => string,
): ProxyConfigInput => {
  const labelsFile = v['pod-labels-file'];
  const labels = {
    ...parseLabels(env.POD_LABELS ?? '', /,/),
    ...(labelsFile ? parseLabels(readText(labelsFile), /\n/) : {}),
    ...parseLabels(v['pod-labels'] ?? '', /,/),
  };
  const serviceHost = env.KUBERNETES_SERVICE_HOST;
  // As for kubectl, a kubeconfig replaces the in-cluster apiserver whole, its CA included.
  const inCluster =
    serviceHost && v.kubeconfig === undefined
      ? {
          url: `https://${serviceHost.includes(':') ? `[${serviceHost}]` : serviceHost}:${env.KUBERNETES_SERVICE_PORT ?? '443'}`,
          caFile: SERVICE_ACCOUNT_CA,
        }
      : {};
  const fromKubeconfig = v.kubeconfig
    ? kubeconfigUpstream(v.kubeconfig, readText(v.kubeconfig))
    : {};
  const upstream = {
    ...inCluster,
    ...fromKubeconfig,
    ...(v.upstream ? { url: v.upstream } : {}),
    ...(v['upstream-ca-file'] ? { caFile: v['upstream-ca-file'] } : {}),
    ...(v['insecure-skip-tls-verify'] ? { insecureSkipTlsVerify: true } : {}),
    connections: num(v['upstream-connections']),
    longRunningConnections: num(v['upstream-long-running-connections']),
    ...(v['upstream-http2'] ? { http2: true } : {}),
  };
  const webhook =
    v['webhook-cert-dir'] !== undefined || v['webhook-controller-port'] !== undefined
      ? {
          certDir: v['webhook-cert-dir'],
          controllerPort: num(v['webhook-controller-port']),
          host: v['webhook-host'],
          port: num(v['webhook-port']),
          caFile: v['webhook-ca-file'],
          peersFile: v['webhook-peers'],
          failurePolicy: v['webhook-failure-policy'],
        }
      : undefined;
  const cert = v['tls-cert-file'];
  const key = v['tls-key-file'];
  const input = {
    pod: {
      name: v['pod-name'] ?? env.POD_NAME,
      namespace: v['pod-namespace'] ?? env.POD_NAMESPACE,
      labels,
    },
    listen: {
      host: v['listen-host'],
      port: num(v['listen-port']),
      tls:
        cert || key
          ? { mode: 'files', certFile: cert, keyFile: key }
          : v['tls-self-signed']
            ? {
                mode: 'self-signed',
                caOutFile: v['tls-ca-out'],
                serviceAccountFrom: v['serviceaccount-from'],
                stateFile: v['tls-self-signed-state'],
              }
            : undefined,
    },
    admin: { host: v['admin-host'], port: num(v['admin-port']) },
    upstream,
    credentials: { tokenFile: v['token-file'] },
    webhook,
    routes: {
      virtualAppFile: v.virtualapp,
      virtualAppName: v['virtualapp-name'],
      stateFile: v['state-file'],
      maxFileBytes: num(v['max-routes-file-bytes']),
    },
    policies: { file: v['traffic-policy'] },
    userAgentOverride: v['user-agent-override'],
    leaderElectionName: v['leader-election-name'],
    limits: { maxFrameBytes: num(v['max-frame-bytes']) },
    shutdown: { drainTimeoutMs: num(v['drain-timeout-ms']) },
    log: { level: v['log-level'] },
  };
  return input as ProxyConfigInput;
};
