/**
 * ts-sample: the client-node sample controller of the ControllerMesh e2e tests. Reads its
 * environment (see e2e/controllers/README.md), starts the webhook, the ConfigMap controller and
 * leader election, and stops them on SIGTERM, releasing the Lease.
 */
import { CoordinationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { loadConfig } from './config.js';
import { startConfigMapController } from './configmap-controller.js';
import { runLeaderElection } from './leader-election.js';
import { jsonLogger } from './log.js';
import { watchSelector } from './reconcile.js';
import { listenWebhook } from './webhook.js';

const result = loadConfig(process.env);
if (!result.ok) {
  process.stderr.write(`ts-sample: invalid configuration:\n${result.problems.join('\n')}\n`);
  process.exit(2);
}
const config = result.config;
const log = jsonLogger((line) => process.stderr.write(line), { pod: config.podName });
const stop = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort());

try {
  const kubeConfig = new KubeConfig();
  // Like controller-runtime's GetConfig: KUBECONFIG first, then the in-cluster service account.
  if (process.env.KUBECONFIG === undefined && process.env.KUBERNETES_SERVICE_HOST !== undefined) {
    kubeConfig.loadFromCluster();
  } else {
    kubeConfig.loadFromDefault();
  }
  log.info('starting', {
    version: config.version,
    watch: watchSelector(config.watchValue),
    leaderElection: config.leaderElectionName !== undefined,
    webhookPort: config.webhook?.port,
  });

  const webhook =
    config.webhook && (await listenWebhook({ ...config.webhook, podName: config.podName, log }));
  const controller = await startConfigMapController({
    kubeConfig,
    core: kubeConfig.makeApiClient(CoreV1Api),
    stamp: `${config.podName}@${config.version}`,
    watchValue: config.watchValue,
    log,
  });

  if (config.leaderElectionName === undefined) {
    log.info('became leader', { leaderElection: false });
    controller.setLeading(true);
    await new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }));
  } else {
    await runLeaderElection(
      {
        api: kubeConfig.makeApiClient(CoordinationV1Api),
        namespace: config.podNamespace,
        name: config.leaderElectionName,
        identity: config.podName,
        timings: config.timings,
        log,
      },
      {
        onStartedLeading: () => controller.setLeading(true),
        onStoppedLeading: () => controller.setLeading(false),
      },
      stop.signal,
    );
  }

  await controller.stop();
  await new Promise((resolve) => (webhook ? webhook.close(resolve) : resolve(undefined)));
  log.info('stopped');
  process.exit(0);
} catch (error) {
  log.error('stopped with an error', { err: error });
  process.exit(1);
}
