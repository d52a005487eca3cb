import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createManager } from '@ctrlmesh/manager-runtime';
import { runMain } from '@ctrlmesh/runtime-support';
import { KubeConfig } from '@kubernetes/client-node';
import { readCommandLine } from './command-line.js';
import { contextNamespace } from './context-namespace.js';

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

const podNamespace = (): string | undefined => {
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
};

// flags -> config -> start(stop) until SIGTERM; everything else is in manager-runtime.
runMain('ctrlmesh-manager', async (stop) => {
  const command = readCommandLine(
    process.argv.slice(2),
    { hostname: hostname(), pid: process.pid, podNamespace: podNamespace(), contextNamespace },
    { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) },
  );
  if ('exit' in command) return command.exit;
  const kubeConfig = new KubeConfig();
  if (command.kubeconfig === undefined) kubeConfig.loadFromCluster();
  else kubeConfig.loadFromFile(command.kubeconfig);
  await createManager(command.config, { kubeConfig }).start(stop);
  return 0;
});
