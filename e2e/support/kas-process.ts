import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ExitStatus, logTail, startLoggedProcess } from './logged-process.js';
import { type KasReadyFile, readReadyFile } from './ready-file.js';

/** The kas binary built by `npm run e2e:prepare` (scripts/prepare-binaries.mjs). */
export const kasBinary = path.resolve(import.meta.dirname, '../kube-apiserver/bin/kas');

/**
 * Non-admin token users every run has: tests grant them rights with RBAC, and `bob` is the
 * proxies' own identity (`grantProxyIdentity` in mesh-proxy.ts).
 */
export const tokenUsers = ['alice', 'bob'];

/** How to start kas. */
export interface StartKasOptions {
  /** State directory: etcd data, certificates, kubeconfigs, log. Must exist. */
  dir: string;
  /** Non-admin token users to create. */
  users: string[];
  /** Bound on start-up, until the ready file appears. */
  readyTimeoutMs: number;
  /**
   * Secure port on 127.0.0.1; a free one when absent. Pass the port of an earlier start on the
   * same `dir` to restart "the same" apiserver: kas then also reuses its CA, serving certificate,
   * service-account key and tokens, so clients configured for the first start keep working.
   */
  port?: number;
  binary?: string;
  /** Extra kube-apiserver flags. */
  apiserverArgs?: string[];
}

/** A running kas process. */
export interface RunningKas {
  info: KasReadyFile;
  logFile: string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<ExitStatus>;
}

/**
 * Starts kas and resolves once it wrote its ready file (it does so when `/readyz` is 200).
 * Rejects with the log's last lines when kas exits early or is not ready in time; no process is
 * left behind either way.
 */
export async function startKas(options: StartKasOptions): Promise<RunningKas> {
  const binary = options.binary ?? kasBinary;
  if (!existsSync(binary)) {
    throw new Error(`kas binary ${binary} is missing; run "npm run e2e:prepare" first`);
  }
  const logFile = path.join(options.dir, 'kas.log');
  const readyFile = path.join(options.dir, 'kas.json');
  // A ready file left by an earlier start would announce a server that is not up yet.
  rmSync(readyFile, { force: true });
  const args = [
    'serve',
    `--dir=${options.dir}`,
    ...(options.port === undefined ? [] : [`--port=${options.port}`]),
    `--ready-file=${readyFile}`,
    `--users=${options.users.join(',')}`,
    `--ready-timeout=${Math.ceil(options.readyTimeoutMs / 1000)}s`,
    // If this process dies without running teardown, the pipe closes and kas stops itself.
    '--stop-on-stdin-close',
    '--',
    ...(options.apiserverArgs ?? []),
  ];
  const child = startLoggedProcess({ file: binary, args, logFile, stdin: 'pipe' });
  const stop: RunningKas['stop'] = (graceMs = 30_000) => child.stop(graceMs);

  const deadline = Date.now() + options.readyTimeoutMs;
  let early: ExitStatus | undefined;
  void child.exited.then((status) => {
    early = status;
  });
  while (!existsSync(readyFile)) {
    if (early) {
      throw new Error(
        `kas exited before it was ready (exit ${early.exitCode ?? early.signal}); last lines of ${logFile}:\n${await logTail(logFile)}`,
      );
    }
    if (Date.now() > deadline) {
      await stop(5_000);
      throw new Error(
        `kas was not ready within ${options.readyTimeoutMs} ms; last lines of ${logFile}:\n${await logTail(logFile)}`,
      );
    }
    await sleep(100);
  }
  try {
    return { info: await readReadyFile(readyFile), logFile, stop };
  } catch (error) {
    await stop(5_000);
    throw error;
  }
}
