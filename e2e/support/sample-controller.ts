import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { eventually } from './eventually.js';
import { logTail } from './kas-process.js';

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
export interface SampleControllerLogEntry {
  msg: string;
  [field: string]: unknown;
}

/** A started sample controller process. */
export interface SampleController {
  readonly kind: SampleControllerKind;
  readonly podName: string;
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

/** How a process ended. */
export interface ExitStatus {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
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
  const log = openSync(logFile, 'a');
  const [file, ...args] = [...command.argv, command.file];
  const child = spawn(file!, args, { env, stdio: ['ignore', log, log] });
  closeSync(log);
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const exited = exitOf(child).finally(() => process.off('exit', killOnExit));

  const running = () => child.exitCode === null && child.signalCode === null;
  const logEntries = async () => parseLog(await readFile(logFile, 'utf8'));
  return {
    kind: options.kind,
    podName: options.podName,
    logFile,
    running,
    logEntries,
    async claimsLeadership() {
      const transitions = (await logEntries()).filter(
        (entry) => entry.msg === 'became leader' || entry.msg === 'stopped leading',
      );
      return running() && transitions.at(-1)?.msg === 'became leader';
    },
    async stop(graceMs = 10_000) {
      if (running()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
    async kill() {
      if (running()) child.kill('SIGKILL');
      return exited;
    },
  };
}

function exitOf(child: ChildProcess): Promise<ExitStatus> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ exitCode: child.exitCode, signal: child.signalCode });
  }
  return once(child, 'exit').then(([exitCode, signal]) => ({ exitCode, signal }));
}

/** Parses JSON log lines; klog/zap may interleave plain text, which is skipped. */
function parseLog(text: string): SampleControllerLogEntry[] {
  const entries: SampleControllerLogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as SampleControllerLogEntry;
      if (typeof entry.msg === 'string') entries.push(entry);
    } catch {
      // a line cut off by a kill
    }
  }
  return entries;
}

/**
 * Waits until exactly one of `replicas` claims leadership (by its log) and returns it. Fails
 * with every replica's log tail when none, or more than one, does within `timeoutMs`.
 */
export async function eventuallyOneLeader(
  replicas: readonly SampleController[],
  timeoutMs = 30_000,
): Promise<SampleController> {
  try {
    return await eventually(
      async () => {
        const claims = await Promise.all(replicas.map((replica) => replica.claimsLeadership()));
        const leaders = replicas.filter((_, index) => claims[index]);
        if (leaders.length !== 1) {
          throw new Error(
            `leaders by log: [${leaders.map((leader) => leader.podName).join(', ')}]`,
          );
        }
        return leaders[0]!;
      },
      { what: `exactly one of ${replicas.map((r) => r.podName).join(', ')} to lead`, timeoutMs },
    );
  } catch (error) {
    const tails = await Promise.all(
      replicas.map(async (r) => `--- ${r.logFile}\n${await logTail(r.logFile, 20)}`),
    );
    throw new Error(`${(error as Error).message}\n${tails.join('\n')}`);
  }
}
