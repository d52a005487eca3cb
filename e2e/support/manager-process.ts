import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { eventually } from './eventually.js';
import { logTail } from './kas-process.js';

/** The built ctrlmesh-manager (`npm run build -w @ctrlmesh/manager`). */
export const managerMain = path.resolve(import.meta.dirname, '../../apps/manager/dist/main.js');

/**
 * Lease timings short enough that a killed leader is replaced within seconds, long enough that a
 * busy 2-core machine does not make leaders flap.
 */
export const fastManagerLease = { leaseDuration: '4s', renewDeadline: '3s', retryPeriod: '500ms' };

/** One manager replica as a process. */
export interface ManagerProcessOptions {
  /** `--identity`, and the name of `<identity>.log`. */
  identity: string;
  /** A kubeconfig file (the run's admin, or a ServiceAccount's). */
  kubeconfig: string;
  /** Directory for the log; must exist. */
  logDir: string;
  /** `--admin-port` (pick one with `freePort()`). */
  adminPort: number;
  /**
   * `--webhook-port` on 127.0.0.1; default 0 (any free port), so that replicas on one machine do
   * not collide on 9443. Pick one with `freePort()` when a webhook configuration must call it.
   */
  webhookPort?: number;
  /** More flags, e.g. `--namespace=...`; the Lease timings default to {@link fastManagerLease}. */
  args?: string[];
}

/** A parsed JSON log line of the manager. */
export interface ManagerLogEntry {
  time: string;
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** A started manager process. */
export interface ManagerProcess {
  readonly identity: string;
  /** The process id (for /proc figures in benchmarks); undefined if the spawn failed. */
  readonly pid: number | undefined;
  readonly logFile: string;
  readonly adminUrl: string;
  running(): boolean;
  /** Every JSON line logged so far. */
  logEntries(): Promise<ManagerLogEntry[]>;
  /** Whether it logged "started leading" and not "stopped leading" since, and still runs. */
  claimsLeadership(): Promise<boolean>;
  /** The value of an unlabelled metric on /metrics, e.g. `ctrlmesh_manager_leader`. */
  metric(name: string): Promise<number | undefined>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<ExitStatus>;
  /** SIGKILL at once, as a crashed pod. */
  kill(): Promise<ExitStatus>;
}

/** How a process ended. */
export interface ExitStatus {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Spawns `node apps/manager/dist/main.js` with its stdout and stderr in `<logDir>/<identity>.log`.
 * A manager still running when this process exits is killed.
 */
export function startManagerProcess(options: ManagerProcessOptions): ManagerProcess {
  if (!existsSync(managerMain)) {
    throw new Error(`${managerMain} is missing; run "npm run build -w @ctrlmesh/manager" first`);
  }
  const args = [
    managerMain,
    `--kubeconfig=${options.kubeconfig}`,
    `--identity=${options.identity}`,
    '--admin-host=127.0.0.1',
    `--admin-port=${options.adminPort}`,
    '--webhook-host=127.0.0.1',
    `--webhook-port=${options.webhookPort ?? 0}`,
    `--lease-duration=${fastManagerLease.leaseDuration}`,
    `--renew-deadline=${fastManagerLease.renewDeadline}`,
    `--retry-period=${fastManagerLease.retryPeriod}`,
    ...(options.args ?? []),
  ];
  const logFile = path.join(options.logDir, `${options.identity}.log`);
  const log = openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const exited = exitOf(child).finally(() => process.off('exit', killOnExit));
  const running = () => child.exitCode === null && child.signalCode === null;
  const logEntries = async () => parseLog(await readFile(logFile, 'utf8'));
  const adminUrl = `http://127.0.0.1:${options.adminPort}`;
  return {
    identity: options.identity,
    pid: child.pid,
    logFile,
    adminUrl,
    running,
    logEntries,
    async claimsLeadership() {
      const transitions = (await logEntries()).filter(
        (entry) => entry.msg === 'started leading' || entry.msg === 'stopped leading',
      );
      return running() && transitions.at(-1)?.msg === 'started leading';
    },
    async metric(name) {
      const text = await (await fetch(`${adminUrl}/metrics`)).text();
      const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
      return line === undefined ? undefined : Number(line.split(' ')[1]);
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

/**
 * Waits until exactly one of `replicas` claims leadership (by its log) and returns it; fails with
 * every replica's log tail otherwise.
 */
export async function eventuallyOneManagerLeader(
  replicas: readonly ManagerProcess[],
  timeoutMs = 30_000,
): Promise<ManagerProcess> {
  try {
    return await eventually(
      async () => {
        const claims = await Promise.all(replicas.map((replica) => replica.claimsLeadership()));
        const leaders = replicas.filter((_, index) => claims[index]);
        if (leaders.length !== 1) {
          throw new Error(`leaders by log: [${leaders.map((l) => l.identity).join(', ')}]`);
        }
        return leaders[0]!;
      },
      { what: `exactly one of ${replicas.map((r) => r.identity).join(', ')} to lead`, timeoutMs },
    );
  } catch (error) {
    const tails = await Promise.all(
      replicas.map(async (r) => `--- ${r.logFile}\n${await logTail(r.logFile, 30)}`),
    );
    throw new Error(`${(error as Error).message}\n${tails.join('\n')}`);
  }
}

function exitOf(child: ChildProcess): Promise<ExitStatus> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ exitCode: child.exitCode, signal: child.signalCode });
  }
  return once(child, 'exit').then(([exitCode, signal]) => ({ exitCode, signal }));
}

function parseLog(text: string): ManagerLogEntry[] {
  const entries: ManagerLogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as ManagerLogEntry;
      if (typeof entry.msg === 'string') entries.push(entry);
    } catch {
      // a line cut off by a kill
    }
  }
  return entries;
}
