import type { AddressInfo } from 'node:net';
import {
  AppsV1Api,
  CoordinationV1Api,
  CustomObjectsApi,
  type KubeConfig,
} from '@kubernetes/client-node';
import type { ManagerConfig } from './config.js';
import { keyOf, syncVirtualApp } from './controller/sync-virtual-app.js';
import { WorkQueue } from './controller/work-queue.js';
import { createInformers } from './kube/informers.js';
import { kubeLeaseStore } from './kube/kube-lease-store.js';
import { kubeWriter } from './kube/kube-writer.js';
import { createLeaderElector } from './leader/leader-elector.js';
import { type Clock, systemClock } from './lifecycle/clock.js';
import { createLogger, type LogSink } from './observe/log.js';
import { createManagerMetrics, type ManagerMetrics } from './observe/metrics.js';
import { createAdminServer } from './server/admin-server.js';

/** What the manager talks to: the apiserver, a clock, and where its logs go. */
export interface ManagerDeps {
  readonly kubeConfig: KubeConfig;
  readonly clock?: Clock;
  /** Where JSON log lines go; stdout by default. */
  readonly logSink?: LogSink;
}

/** A manager replica. */
export interface Manager {
  readonly metrics: ManagerMetrics;
  /**
   * Serves the admin endpoints, fills the caches, competes for the Lease and, while leading,
   * reconciles every VirtualApp. Resolves once `signal` aborted and it stopped: the queue drained,
   * then the Lease released, so another replica takes over at once.
   */
  start(signal: AbortSignal): Promise<void>;
  /** The admin server's address once it listens. */
  adminAddress(): AddressInfo | undefined;
}

/** Creates a manager replica (see {@link Manager.start}). */
export const createManager = (config: ManagerConfig, deps: ManagerDeps): Manager => {
  const clock = deps.clock ?? systemClock;
  const log = createLogger(
    config.logLevel,
    deps.logSink ?? ((line) => process.stdout.write(`${line}\n`)),
    () => clock.now(),
  );
  const metrics = createManagerMetrics();
  const { kubeConfig } = deps;
  let address: AddressInfo | undefined;

  const start = async (signal: AbortSignal): Promise<void> => {
    const writer = kubeWriter(
      kubeConfig.makeApiClient(CustomObjectsApi),
      kubeConfig.makeApiClient(AppsV1Api),
    );
    let leading = false;
    let informers: ReturnType<typeof createInformers>;
    const queue = new WorkQueue({
      clock,
      handle: async (key) => {
        if (!leading) {
          metrics.reconciled('skipped');
          return undefined;
        }
        try {
          const result = await syncVirtualApp(key, {
            cache: informers,
            writer,
            clock,
            log,
            metrics,
            options: {
              podGracePeriodMs: config.podGracePeriodMs,
              revisionHistoryLimit: config.revisionHistoryLimit,
            },
          });
          metrics.reconciled('success');
          return result;
        } catch (error) {
          metrics.reconciled('error');
          throw error;
        }
      },
      onError: (key, error, retryInMs) =>
        log.warn('reconcile failed; retrying', { vapp: key, err: error, retryInMs }),
    });
    const enqueueNamespace = (namespace: string) => {
      for (const object of informers.virtualApps()) {
        if (object.metadata?.namespace === namespace) {
          queue.add(keyOf(namespace, object.metadata?.name ?? ''));
        }
      }
    };
    informers = createInformers({
      kubeConfig,
      namespace: config.namespace,
      clock,
      log,
      events: {
        virtualApp: (namespace, name) => queue.add(keyOf(namespace, name)),
        revision: (namespace, name) => queue.add(keyOf(namespace, name)),
        pod: enqueueNamespace,
      },
    });

    const admin = createAdminServer({
      registry: metrics.registry,
      notReady: () => {
        const unsynced = informers.unsynced();
        return unsynced.length === 0 ? undefined : `caches not synced: ${unsynced.join(', ')}`;
      },
    });
    await new Promise<void>((resolve, reject) => {
      admin.once('error', reject);
      admin.listen(config.admin.port, config.admin.host, () => resolve());
    });
    address = admin.address() as AddressInfo;
    log.info('admin server listening', { host: address.address, port: address.port });

    const { leaderElection } = config;
    const elector = createLeaderElector({
      store: kubeLeaseStore(
        kubeConfig.makeApiClient(CoordinationV1Api),
        leaderElection.namespace,
        leaderElection.leaseName,
      ),
      identity: leaderElection.identity,
      timings: leaderElection.timings,
      clock,
      log,
      onStartedLeading: () => {
        leading = true;
        metrics.leading(true);
        for (const object of informers.virtualApps()) {
          queue.add(keyOf(object.metadata?.namespace ?? '', object.metadata?.name ?? ''));
        }
      },
      onStoppedLeading: () => {
        leading = false;
        metrics.leading(false);
      },
    });

    const electing = new AbortController();
    try {
      await informers.start();
      log.info('manager started', {
        namespace: config.namespace ?? '(all)',
        identity: leaderElection.identity,
        lease: `${leaderElection.namespace}/${leaderElection.leaseName}`,
      });
      const election = elector.run(electing.signal);
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      // No write may follow the release: drain the queue first, then give up the Lease.
      await queue.stop();
      leading = false;
      electing.abort();
      await election;
    } finally {
      await queue.stop();
      await informers.stop();
      await new Promise<void>((resolve) => admin.close(() => resolve()));
      log.info('manager stopped', { identity: leaderElection.identity });
    }
  };

  return { metrics, start, adminAddress: () => address };
};
