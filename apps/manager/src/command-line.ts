import { parseArgs } from 'node:util';
import {
  type ManagerConfig,
  type ManagerConfigInput,
  ManagerConfigSchema,
} from '@ctrlmesh/manager-runtime';
import { parseDuration } from '@ctrlmesh/runtime-support';
import packageJson from '../package.json' with { type: 'json' };

/** This build's version, apps/manager/package.json's (tsup inlines it). */
export const VERSION: string = packageJson.version;

type InjectionInput = NonNullable<ManagerConfigInput['injection']>;

/** The command line, as `--help` prints it. */
export const USAGE = `ctrlmesh-manager: the ControllerMesh control plane. Publishes each valid VirtualApp spec as a
ControllerRevision and drives status.routing through the two-phase handover as proxies report.

Usage: ctrlmesh-manager [flags]

  --kubeconfig FILE                  kubeconfig to use (default: in-cluster service account)
  --namespace NS                     watch only this namespace (default: all namespaces)
  --leader-election-namespace NS     namespace of the leader Lease (default: --namespace, or
                                     the pod's namespace in-cluster, or the namespace of the
                                     --kubeconfig current context, or default)
  --leader-election-lease-name NAME  name of the leader Lease (default: ctrlmesh-manager)
  --lease-duration DURATION          how long an unrenewed Lease stays held (default: 15s)
  --renew-deadline DURATION          a leader that cannot renew this long steps down (default: 10s)
  --retry-period DURATION            how often to try and renew the Lease (default: 2s)
  --identity ID                      holder identity in the Lease (default: <hostname>_<pid>)
  --pod-grace-period DURATION        a pod not Ready this long no longer holds a handover
                                     (default: 30s)
  --revision-history-limit N         ControllerRevisions kept per VirtualApp (default: 10)
  --admin-host HOST                  address of /metrics, /healthz, /readyz (default: 0.0.0.0)
  --admin-port PORT                  port of /metrics, /healthz, /readyz (default: 9090; 0: any)
  --log-level LEVEL                  debug, info, warn or error (default: info)
  --webhook-host HOST                address of the HTTPS admission webhooks (default: 0.0.0.0)
  --webhook-port PORT                their port (default: 9443; 0: any)
  --webhook-service-name NAME        the Service in front of the webhooks; the certificate names
                                     NAME.NS.svc (default: ctrlmesh-manager)
  --webhook-namespace NS             namespace of that Service and of the certificate Secret
                                     (default: the pod's namespace, else the --kubeconfig
                                     current context's, else the Lease's)
  --webhook-url-host HOST            one more DNS name or IP address in the certificate, for
                                     webhook configurations that call a url: (local runs);
                                     repeatable
  --webhook-secret-name NAME         Secret keeping the CA and certificate
                                     (default: ctrlmesh-webhook-certs)
  --webhook-validating-configuration NAME
                                     ValidatingWebhookConfiguration whose caBundle the leader
                                     writes (default: ctrlmesh)
  --webhook-mutating-configuration NAME
                                     MutatingWebhookConfiguration likewise (default: ctrlmesh)
  --webhook-cert-validity DURATION   lifetime of a serving certificate (default: 8760h)
  --webhook-cert-renew-before DURATION
                                     rotate this long before it expires (default: 720h)

Injection (the /inject-pod webhook; a pod's ctrlmesh.io/proxy-resources annotation wins)
  --proxy-image IMAGE                the proxy image (default: localhost/ctrlmesh/proxy:latest)
  --proxy-image-pull-policy POLICY   Always, IfNotPresent or Never (default: the image's default)
  --proxy-resources JSON             {"requests":{"cpu":..,"memory":..},"limits":{..}}
                                     (default: requests 50m/96Mi, limit memory 256Mi)
  --proxy-port PORT                  the controller-facing port (default: 5443)
  --proxy-admin-port PORT            /healthz, /readyz, /metrics (default: 5441)
  --proxy-webhook-port PORT          the webhook front (default: 5445)
  --proxy-probe-period DURATION      liveness and readiness period (default: 5s)
  --proxy-probe-timeout DURATION     probe timeout (default: 2s)
  --proxy-probe-failure-threshold N  failures before a probe fails (default: 3)
  --proxy-log-level LEVEL            the proxy's log level (default: info)
  --help                             print this and exit
  --version                          print the version and exit
`;

const OPTIONS = {
  kubeconfig: { type: 'string' },
  namespace: { type: 'string' },
  'leader-election-namespace': { type: 'string' },
  'leader-election-lease-name': { type: 'string' },
  'lease-duration': { type: 'string' },
  'renew-deadline': { type: 'string' },
  'retry-period': { type: 'string' },
  identity: { type: 'string' },
  'pod-grace-period': { type: 'string' },
  'revision-history-limit': { type: 'string' },
  'admin-host': { type: 'string' },
  'admin-port': { type: 'string' },
  'log-level': { type: 'string' },
  'webhook-host': { type: 'string' },
  'webhook-port': { type: 'string' },
  'webhook-service-name': { type: 'string' },
  'webhook-namespace': { type: 'string' },
  'webhook-url-host': { type: 'string', multiple: true },
  'webhook-secret-name': { type: 'string' },
  'webhook-validating-configuration': { type: 'string' },
  'webhook-mutating-configuration': { type: 'string' },
  'webhook-cert-validity': { type: 'string' },
  'webhook-cert-renew-before': { type: 'string' },
  'proxy-image': { type: 'string' },
  'proxy-image-pull-policy': { type: 'string' },
  'proxy-resources': { type: 'string' },
  'proxy-port': { type: 'string' },
  'proxy-admin-port': { type: 'string' },
  'proxy-webhook-port': { type: 'string' },
  'proxy-probe-period': { type: 'string' },
  'proxy-probe-timeout': { type: 'string' },
  'proxy-probe-failure-threshold': { type: 'string' },
  'proxy-log-level': { type: 'string' },
  help: { type: 'boolean' },
  version: { type: 'boolean' },
} as const;

/** Where the command line's answers go: stdout and stderr in `main`. */
export interface CommandOutput {
  out(text: string): void;
  err(text: string): void;
}

/** What the process knows about itself, for defaults. */
export interface Host {
  readonly hostname: string;
  readonly pid: number;
  /** The pod's namespace when in a cluster (the service account's `namespace` file). */
  readonly podNamespace?: string | undefined;
  /**
   * The namespace of a kubeconfig file's current context, kubectl's default outside a cluster;
   * undefined when it names none or the file cannot be read (`main` reports that when it loads it).
   */
  readonly contextNamespace?: ((kubeconfig: string) => string | undefined) | undefined;
}

/** What the command line asks for: to exit at once, or to run the manager. */
export type Command =
  | { readonly exit: number }
  | { readonly config: ManagerConfig; readonly kubeconfig?: string | undefined };

type Flag = keyof typeof OPTIONS;

// Which flag sets which schema path, so that a problem the schema finds names the flag.
const FLAG_OF_PATH: Record<string, Flag> = {
  namespace: 'namespace',
  'leaderElection.namespace': 'leader-election-namespace',
  'leaderElection.leaseName': 'leader-election-lease-name',
  'leaderElection.identity': 'identity',
  'leaderElection.timings.leaseDurationMs': 'lease-duration',
  'leaderElection.timings.renewDeadlineMs': 'renew-deadline',
  'leaderElection.timings.retryPeriodMs': 'retry-period',
  podGracePeriodMs: 'pod-grace-period',
  revisionHistoryLimit: 'revision-history-limit',
  'admin.host': 'admin-host',
  'admin.port': 'admin-port',
  logLevel: 'log-level',
  'webhook.host': 'webhook-host',
  'webhook.port': 'webhook-port',
  'webhook.serviceName': 'webhook-service-name',
  'webhook.namespace': 'webhook-namespace',
  'webhook.urlHosts': 'webhook-url-host',
  'webhook.secretName': 'webhook-secret-name',
  'webhook.validatingConfigurationName': 'webhook-validating-configuration',
  'webhook.mutatingConfigurationName': 'webhook-mutating-configuration',
  'webhook.certValidityMs': 'webhook-cert-validity',
  'webhook.certRenewBeforeMs': 'webhook-cert-renew-before',
  'injection.proxyImage': 'proxy-image',
  'injection.imagePullPolicy': 'proxy-image-pull-policy',
  'injection.resources': 'proxy-resources',
  'injection.ports': 'proxy-port',
  'injection.ports.proxy': 'proxy-port',
  'injection.ports.admin': 'proxy-admin-port',
  'injection.ports.webhook': 'proxy-webhook-port',
  'injection.probes.periodSeconds': 'proxy-probe-period',
  'injection.probes.timeoutSeconds': 'proxy-probe-timeout',
  'injection.probes.failureThreshold': 'proxy-probe-failure-threshold',
  'injection.logLevel': 'proxy-log-level',
};

// Flags whose problems are reported under the flag, whatever schema path below it they concern.
const FLAG_OF_PREFIX: Record<string, Flag> = { 'injection.resources.': 'proxy-resources' };

const flagOf = (path: string): Flag | undefined =>
  FLAG_OF_PATH[path] ??
  Object.entries(FLAG_OF_PREFIX).find(([prefix]) => path.startsWith(prefix))?.[1];

/**
 * Reads the command line into a manager config (`ManagerConfigSchema` holds the defaults and the
 * rules). Answers `--help` and `--version` (exit 0), and refuses unknown flags and bad values,
 * every problem at once with the flag that caused it (exit 2).
 */
export const readCommandLine = (
  argv: readonly string[],
  host: Host,
  output: CommandOutput,
): Command => {
  let values: ReturnType<typeof parse>;
  try {
    values = parse(argv);
  } catch (error) {
    output.err(`ctrlmesh-manager: ${(error as Error).message}\n\n${USAGE}`);
    return { exit: 2 };
  }
  if (values.help) {
    output.out(USAGE);
    return { exit: 0 };
  }
  if (values.version) {
    output.out(`${VERSION}\n`);
    return { exit: 0 };
  }
  const problems: string[] = [];
  const text = (flag: Flag) => values[flag] as string | undefined;
  // Durations are read here (the schema takes milliseconds); a bad one is reported and left out.
  const duration = (flag: Flag): number | undefined => {
    const given = text(flag);
    if (given === undefined) return undefined;
    const ms = parseDuration(given);
    if (ms === undefined)
      problems.push(`--${flag}: must be a duration such as 15s, got "${given}"`);
    return ms;
  };
  const integer = (flag: Flag): number | undefined => {
    const given = text(flag);
    if (given === undefined) return undefined;
    if (!/^\d+$/.test(given)) problems.push(`--${flag}: must be a whole number, got "${given}"`);
    return /^\d+$/.test(given) ? Number(given) : undefined;
  };
  // Probe timings are whole seconds in a pod spec: a duration that is not is refused.
  const seconds = (flag: Flag): number | undefined => {
    const ms = duration(flag);
    if (ms === undefined) return undefined;
    if (ms % 1000 !== 0) problems.push(`--${flag}: must be whole seconds, got "${text(flag)}"`);
    return ms % 1000 === 0 ? ms / 1000 : undefined;
  };
  const json = (flag: Flag): unknown => {
    const given = text(flag);
    if (given === undefined) return undefined;
    try {
      return JSON.parse(given);
    } catch (error) {
      problems.push(`--${flag}: must be JSON: ${(error as Error).message}`);
      return undefined;
    }
  };
  const namespace = text('namespace');
  const kubeconfig = text('kubeconfig');
  // Where the manager itself is: its pod's namespace, else (run from a kubeconfig) its context's.
  const home =
    host.podNamespace ??
    (kubeconfig === undefined ? undefined : host.contextNamespace?.(kubeconfig));
  const input: ManagerConfigInput = {
    namespace,
    leaderElection: {
      // An empty --namespace is reported once, as its own problem.
      namespace: text('leader-election-namespace') ?? (namespace || undefined) ?? home,
      leaseName: text('leader-election-lease-name'),
      identity: text('identity') ?? `${host.hostname}_${host.pid}`,
      timings: {
        leaseDurationMs: duration('lease-duration'),
        renewDeadlineMs: duration('renew-deadline'),
        retryPeriodMs: duration('retry-period'),
      },
    },
    podGracePeriodMs: duration('pod-grace-period'),
    revisionHistoryLimit: integer('revision-history-limit'),
    admin: { host: text('admin-host'), port: integer('admin-port') },
    logLevel: text('log-level') as ManagerConfigInput['logLevel'],
    webhook: {
      host: text('webhook-host'),
      port: integer('webhook-port'),
      serviceName: text('webhook-service-name'),
      namespace: text('webhook-namespace') ?? home,
      urlHosts: values['webhook-url-host'] as string[] | undefined,
      secretName: text('webhook-secret-name'),
      validatingConfigurationName: text('webhook-validating-configuration'),
      mutatingConfigurationName: text('webhook-mutating-configuration'),
      certValidityMs: duration('webhook-cert-validity'),
      certRenewBeforeMs: duration('webhook-cert-renew-before'),
    },
    injection: {
      proxyImage: text('proxy-image'),
      imagePullPolicy: text('proxy-image-pull-policy') as InjectionInput['imagePullPolicy'],
      resources: json('proxy-resources') as InjectionInput['resources'],
      ports: {
        proxy: integer('proxy-port'),
        admin: integer('proxy-admin-port'),
        webhook: integer('proxy-webhook-port'),
      },
      probes: {
        periodSeconds: seconds('proxy-probe-period'),
        timeoutSeconds: seconds('proxy-probe-timeout'),
        failureThreshold: integer('proxy-probe-failure-threshold'),
      },
      logLevel: text('proxy-log-level') as InjectionInput['logLevel'],
    },
  };
  const parsed = ManagerConfigSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // A repeatable flag's problem names the flag, not the index of the value.
      const flag = flagOf(issue.path.filter((key) => typeof key !== 'number').join('.'));
      problems.push(`${flag === undefined ? issue.path.join('.') : `--${flag}`}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) {
    output.err(`ctrlmesh-manager: invalid flags\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    return { exit: 2 };
  }
  return { config: parsed.data, kubeconfig };
};

const parse = (argv: readonly string[]) =>
  parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
