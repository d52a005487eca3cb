import { existsSync } from 'node:fs';
import path from 'node:path';
import { eventuallyOneLeaderByLog, lastSaysLeading } from './log-leadership.js';
import {
  type ExitStatus,
  type JsonLogEntry,
  readJsonLog,
  startLoggedProcess,
} from './logged-process.js';

/** Which sample controller to run (see e2e/controllers/README.md). */
export type SampleControllerKind = 'go' | 'ts';

const e2eDir = path.resolve(import.meta.dirname, '..');

/** How each sample controller is started, and what builds it when it is missing. */
const commands: Record<SampleControllerKind, { file: string; argv: string[]; buildHint: string }> =
  {
    go: {
      file: path.join(e2eDir, 'controllers/go-sample/bin/go-sample'),
      argv: [],
      buildHint: 'npm run e2e:prepare',
    },
    ts: {
      file: path.join(e2eDir, 'controllers/ts-sample/dist/main.js'),
      argv: [process.execPath],
      buildHint: 'npm run build -w @ctrlmesh/ts-sample-controller',
    },
  };

/**
 * Lease timings short enough that a killed leader is replaced within seconds, long enough that a
 * busy 2-core machine does not make leaders flap.
 */
export const fastLeaseTimings = { LEASE_DURATION: '4s', RENEW_DEADLINE: '3s', RETRY_PERIOD: '1s' };

/** One replica of a sample controller; the fields map to its environment variables. */
export interface SampleControllerOptions {
  kind: SampleControllerKind;
  /** POD_NAME: holder identity and annotation value. */
  podName: string;
  /** POD_NAMESPACE: where the Lease lives. */
  podNamespace: string;
  /** KUBECONFIG the controller talks with (straight to kas, or to a proxy). */
  kubeconfig: string;
  /** Directory for `<podName>.log`; must exist. */
  logDir: string;
  version?: string;
  /** LEADER_ELECTION_NAME; leave out to run without leader election. */
  leaderElectionName?: string;
  /** WEBHOOK_PORT and WEBHOOK_CERT_DIR (tls.crt, tls.key); leave out for no webhook. */
  webhook?: { port: number; certDir: string };
  /** Anything else, e.g. KUBE_CONTENT_TYPE; defaults to {@link fastLeaseTimings}. */
  env?: Record<string, string>;
}

/** A parsed JSON log line of a sample controller. */
export type SampleControllerLogEntry = JsonLogEntry;

/** A started sample controller process. */
export interface SampleController {
  readonly kind: SampleControllerKind;
  readonly podName: string;
  /** The pod name again, as the name in leadership errors. */
  readonly name: string;
  readonly logFile: string;
  /** Whether the process has not exited yet. */
  running(): boolean;
  /** Every JSON line logged so far (other lines are skipped). */
  logEntries(): Promise<SampleControllerLogEntry[]>;
  /** Whether it logged "became leader" and has not logged "stopped leading" since. */
  claimsLeadership(): Promise<boolean>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with how it exited. */
  stop(graceMs?: number): Promise<ExitStatus>;
  /** SIGKILL at once, as a crashed pod; resolves with how it exited. */
  kill(): Promise<ExitStatus>;
}

/**
 * Spawns a sample controller with its environment, its stdout and stderr in
 * `<logDir>/<podName>.log`. A controller still running when this process exits is killed.
 */
export function startSampleController(options: SampleControllerOptions): SampleController {
  const command = commands[options.kind];
  if (!existsSync(command.file)) {
    throw new Error(
      `${options.kind} sample controller ${command.file} is missing; run "${command.buildHint}" first`,
    );
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    KUBECONFIG: options.kubeconfig,
    POD_NAME: options.podName,
    POD_NAMESPACE: options.podNamespace,
    VERSION: options.version ?? 'v1',
    ...fastLeaseTimings,
    ...(options.leaderElectionName ? { LEADER_ELECTION_NAME: options.leaderElectionName } : {}),
    ...(options.webhook
      ? {
          WEBHOOK_PORT: String(options.webhook.port),
          WEBHOOK_CERT_DIR: options.webhook.certDir,
          WEBHOOK_HOST: '127.0.0.1',
        }
      : {}),
    ...options.env,
  };
  const logFile = path.join(options.logDir, `${options.podName}.log`);
  const [file, ...args] = [...command.argv, command.file];
  const child = startLoggedProcess({ file: file!, args, env, logFile });
  const logEntries = () => readJsonLog<SampleControllerLogEntry>(logFile);
  return {
    kind: options.kind,
    podName: options.podName,
    name: options.podName,
    logFile,
    running: child.running,
    logEntries,
    async claimsLeadership() {
      const leading = lastSaysLeading(await logEntries(), {
        started: 'became leader',
        stopped: 'stopped leading',
      });
      return child.running() && leading;
    },
    stop: child.stop,
    kill: child.kill,
  };
}

/**
 * Waits until exactly one of `replicas` claims leadership (by its log) and returns it. Fails
 * with every replica's log tail when none, or more than one, does within `timeoutMs`.
 */
export const eventuallyOneLeader = (
  replicas: readonly SampleController[],
  timeoutMs = 30_000,
): Promise<SampleController> => eventuallyOneLeaderByLog(replicas, { timeoutMs, tailLines: 20 });
