import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createManager } from '@ctrlmesh/manager-runtime';
import { KubeConfig } from '@kubernetes/client-node';
import { readCommandLine } from './command-line.js';

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

const podNamespace = (): string | undefined => {
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
};

// flags -> config -> start(signal) -> wait for SIGTERM; everything else is in manager-runtime.
const main = async (): Promise<number> => {
  const command = readCommandLine(
    process.argv.slice(2),
    { hostname: hostname(), pid: process.pid, podNamespace: podNamespace() },
    { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) },
  );
  if ('exit' in command) return command.exit;
  const kubeConfig = new KubeConfig();
  if (command.kubeconfig === undefined) kubeConfig.loadFromCluster();
  else kubeConfig.loadFromFile(command.kubeconfig);
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort());
  await createManager(command.config, { kubeConfig }).start(stop.signal);
  return 0;
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `ctrlmesh-manager: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
