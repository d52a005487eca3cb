import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { proxyBinary } from '../steps/proxy.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/free-port.js';
import { logTail } from '../support/kas-process.js';
import type { KasReadyFile } from '../support/ready-file.js';
import { issueWebhookCertificate } from '../support/webhook-certificate.js';

/** How to start the proxy under measurement. */
export interface ProxyProcessOptions {
  kas: KasReadyFile;
  virtualAppFile: string;
  tokenFile: string;
  podNamespace: string;
  podLabels: Record<string, string>;
  workDir: string;
  /** Node flags for the proxy process, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

/** The running proxy: a separate process, so its RSS is its own. */
export interface ProxyProcess {
  readonly pid: number;
  readonly origin: string;
  /** The CA of the proxy's serving certificate, for clients to verify it. */
  readonly caPem: string;
  readonly logFile: string;
  /** SIGTERM, then wait for the drain and exit (a CPU profile is written on this exit). */
  stop(): Promise<void>;
}

/**
 * Starts `apps/proxy` over HTTPS with the same flags as the e2e step `givenProxy` and waits for
 * /readyz. Written here because `givenProxy` reads the apiserver from vitest's `inject('kas')`,
 * which exists only inside a vitest run; this one is handed the ready file instead.
 */
export async function startProxyProcess(options: ProxyProcessOptions): Promise<ProxyProcess> {
  if (!existsSync(proxyBinary))
    throw new Error(`${proxyBinary} is missing: run npm run build first`);
  const [port, adminPort] = [await freePort(), await freePort()];
  const tlsDir = path.join(options.workDir, 'proxy-tls');
  await issueWebhookCertificate(tlsDir);
  const logFile = path.join(options.workDir, 'proxy.log');
  const log = openSync(logFile, 'a');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      proxyBinary,
      `--virtualapp=${options.virtualAppFile}`,
      `--state-file=${path.join(options.workDir, 'routes.json')}`,
      '--pod-name=bench-0',
      `--pod-namespace=${options.podNamespace}`,
      `--pod-labels=${Object.entries(options.podLabels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}`,
      `--listen-port=${port}`,
      `--tls-cert-file=${path.join(tlsDir, 'tls.crt')}`,
      `--tls-key-file=${path.join(tlsDir, 'tls.key')}`,
      `--admin-port=${adminPort}`,
      `--upstream=${options.kas.url}`,
      `--upstream-ca-file=${options.kas.caFile}`,
      `--token-file=${options.tokenFile}`,
      '--drain-timeout-ms=2000',
      '--log-level=warn',
    ],
    { stdio: ['ignore', log, log] },
  );
  closeSync(log);
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    process.off('exit', killOnExit);
  };
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`proxy exited with ${child.exitCode}:\n${await logTail(logFile)}`);
        }
        const response = await fetch(`http://127.0.0.1:${adminPort}/readyz`);
        if (response.status !== 200) throw new Error(await response.text());
      },
      { what: 'the proxy to be ready', timeoutMs: 30_000 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    pid: child.pid!,
    origin: `https://127.0.0.1:${port}`,
    caPem: await readFile(path.join(tlsDir, 'ca.crt'), 'utf8'),
    logFile,
    stop,
  };
}
