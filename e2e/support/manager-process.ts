import { existsSync } from 'node:fs';
import path from 'node:path';
import { eventuallyOneLeaderByLog, lastSaysLeading } from './log-leadership.js';
import {
  type ExitStatus,
  type JsonLogEntry,
  readJsonLog,
  startLoggedProcess,
} from './logged-process.js';

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
export interface ManagerLogEntry extends JsonLogEntry {
  time: string;
  level: string;
}

/** A started manager process. */
export interface ManagerProcess {
  readonly identity: string;
  /** The process id (for /proc figures in benchmarks); undefined if the spawn failed. */
  readonly pid: number | undefined;
  /** The identity again, as the name in leadership errors. */
  readonly name: string;
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
  const child = startLoggedProcess({
    file: process.execPath,
    args,
    env: { PATH: process.env.PATH ?? '' },
    logFile,
  });
  const logEntries = () => readJsonLog<ManagerLogEntry>(logFile);
  const adminUrl = `http://127.0.0.1:${options.adminPort}`;
  return {
    identity: options.identity,
    pid: child.pid,
    name: options.identity,
    logFile,
    adminUrl,
    running: child.running,
    logEntries,
    async claimsLeadership() {
      const leading = lastSaysLeading(await logEntries(), {
        started: 'started leading',
        stopped: 'stopped leading',
      });
      return child.running() && leading;
    },
    async metric(name) {
      const text = await (await fetch(`${adminUrl}/metrics`)).text();
      const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
      return line === undefined ? undefined : Number(line.split(' ')[1]);
    },
    stop: child.stop,
    kill: child.kill,
  };
}

/**
 * Waits until exactly one of `replicas` claims leadership (by its log) and returns it; fails with
 * every replica's log tail otherwise.
 */
export const eventuallyOneManagerLeader = (
  replicas: readonly ManagerProcess[],
  timeoutMs = 30_000,
): Promise<ManagerProcess> => eventuallyOneLeaderByLog(replicas, { timeoutMs, tailLines: 30 });
