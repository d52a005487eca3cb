import { parseArgs } from 'node:util';
import type { LogLevel, ManagerConfig } from '@ctrlmesh/manager-runtime';
import packageJson from '../package.json' with { type: 'json' };
import { parseDuration } from './duration.js';

/** This build's version, apps/manager/package.json's (tsup inlines it). */
export const VERSION: string = packageJson.version;

/** The command line, as `--help` prints it. */
export const USAGE = `ctrlmesh-manager: the ControllerMesh control plane. Publishes each valid VirtualApp spec as a
ControllerRevision and drives status.routing through the two-phase handover as proxies report.

Usage: ctrlmesh-manager [flags]

  --kubeconfig FILE                  kubeconfig to use (default: in-cluster service account)
  --namespace NS                     watch only this namespace (default: all namespaces)
  --leader-election-namespace NS     namespace of the leader Lease (default: --namespace, or
                                     the pod's namespace in-cluster, or default)
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
}

/** What the command line asks for: to exit at once, or to run the manager. */
export type Command =
  | { readonly exit: number }
  | { readonly config: ManagerConfig; readonly kubeconfig?: string | undefined };

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * Reads the command line into a manager config. Answers `--help` and `--version` (exit 0), and
 * refuses unknown flags and bad values, every problem at once (exit 2).
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
  const duration = (flag: keyof typeof OPTIONS, fallback: number): number => {
    const text = values[flag] as string | undefined;
    if (text === undefined) return fallback;
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) {
      problems.push(`--${flag} must be a positive duration such as 15s, got "${text}"`);
      return fallback;
    }
    return ms;
  };
  const integer = (flag: keyof typeof OPTIONS, fallback: number, min: number, max: number) => {
    const text = values[flag] as string | undefined;
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) {
      problems.push(`--${flag} must be a whole number from ${min} to ${max}, got "${text}"`);
      return fallback;
    }
    return value;
  };
  const nonEmpty = (flag: keyof typeof OPTIONS): string | undefined => {
    const text = values[flag] as string | undefined;
    if (text === '') problems.push(`--${flag} must not be empty`);
    return text === '' ? undefined : text;
  };

  const namespace = nonEmpty('namespace');
  const timings = {
    leaseDurationMs: duration('lease-duration', 15_000),
    renewDeadlineMs: duration('renew-deadline', 10_000),
    retryPeriodMs: duration('retry-period', 2_000),
  };
  // The ordering client-go insists on: a leader steps down before anyone may take over.
  if (timings.leaseDurationMs <= timings.renewDeadlineMs) {
    problems.push('--lease-duration must be greater than --renew-deadline');
  }
  if (timings.renewDeadlineMs <= timings.retryPeriodMs) {
    problems.push('--renew-deadline must be greater than --retry-period');
  }
  const logLevel = values['log-level'] ?? 'info';
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) {
    problems.push(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const config: ManagerConfig = {
    namespace,
    leaderElection: {
      namespace:
        nonEmpty('leader-election-namespace') ?? namespace ?? host.podNamespace ?? 'default',
      leaseName: nonEmpty('leader-election-lease-name') ?? 'ctrlmesh-manager',
      identity: nonEmpty('identity') ?? `${host.hostname}_${host.pid}`,
      timings,
    },
    podGracePeriodMs: duration('pod-grace-period', 30_000),
    revisionHistoryLimit: integer('revision-history-limit', 10, 2, 1000),
    admin: {
      host: nonEmpty('admin-host') ?? '0.0.0.0',
      port: integer('admin-port', 9090, 0, 65_535),
    },
    logLevel: logLevel as LogLevel,
  };
  const kubeconfig = nonEmpty('kubeconfig');
  if (problems.length > 0) {
    output.err(`ctrlmesh-manager: invalid flags\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    return { exit: 2 };
  }
  return { config, kubeconfig };
};

const parse = (argv: readonly string[]) =>
  parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
