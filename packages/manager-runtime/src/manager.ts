import type { AddressInfo } from 'node:net';
import { type Clock, createAdminServer, systemClock } from '@ctrlmesh/runtime-support';
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
} from '@kubernetes/client-node';
import {
  createWebhookCertificates,
  type WebhookCertificates,
} from './certificates/webhook-certificates.js';
import type { ManagerConfig } from './config.js';
import { policyKeyOf, syncPolicy } from './controller/sync-policy.js';
import { keyOf, syncVirtualApp } from './controller/sync-virtual-app.js';
import { WorkQueue } from './controller/work-queue.js';
import type { InjectionOutcome } from './injection/inject-pod-handler.js';
import { createInformers } from './kube/informers.js';
import { injectionListerOf } from './kube/injection-lister.js';
import { kubeCaBundles } from './kube/kube-ca-bundles.js';
import { kubeCertificateSecret } from './kube/kube-certificate-secret.js';
import { kubeEventRecorder } from './kube/kube-event-recorder.js';
import { kubeLeaseStore } from './kube/kube-lease-store.js';
import { kubePolicyWriter, kubeWriter } from './kube/kube-writer.js';
import { createNamespaceLabelsCache } from './kube/namespace-labels-cache.js';
import { createLeaderElector } from './leader/leader-elector.js';
import { createLogger, type LogSink } from './observe/log.js';
import { createManagerMetrics, type ManagerMetrics } from './observe/metrics.js';
import type { AdmissionHandlers } from './webhook/admission-handlers.js';
import { createAdmissionServer } from './webhook/admission-server.js';
import { managerAdmissionHandlers } from './webhook/manager-admission-handlers.js';

/** What the manager talks to: the apiserver, a clock, and where its logs go. */
export interface ManagerDeps {
  readonly kubeConfig: KubeConfig;
  readonly clock?: Clock;
  /** Where JSON log lines go; stdout by default. */
  readonly logSink?: LogSink;
  /** Admission handlers added to (or replacing) `managerAdmissionHandlers()`, by path. */
  readonly admissionHandlers?: AdmissionHandlers;
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
  /** The admission webhook server's address once it listens. */
  webhookAddress(): AddressInfo | undefined;
}

const MINUTE = 60_000;

/** The certificate names and rotation timings that follow from the webhook config. */
export const webhookRotationOf = (config: ManagerConfig) => {
  const { webhook } = config;
  const namespace = webhook.namespace ?? config.leaderElection.namespace;
  const service = `${webhook.serviceName}.${namespace}.svc`;
  // Long enough for the apiserver to see a new caBundle and every replica the new Secret; short
  // enough that a rotation finishes well inside the renewal window.
  const overlapMs = Math.min(Math.floor(webhook.certRenewBeforeMs / 4), 10 * MINUTE);
  return {
    namespace,
    rotation: {
      hosts: [service, `${service}.cluster.local`, ...webhook.urlHosts],
      validityMs: webhook.certValidityMs,
      renewBeforeMs: webhook.certRenewBeforeMs,
      overlapMs,
    },
    // At most half the overlap (no step is missed), at least a quarter second, at most 30 s.
    tickMs: Math.max(250, Math.min(Math.floor(overlapMs / 2), 30_000)),
  };
};

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
  let webhookAddress: AddressInfo | undefined;

  const start = async (signal: AbortSignal): Promise<void> => {
    const writer = kubeWriter(
      kubeConfig.makeApiClient(CustomObjectsApi),
      kubeConfig.makeApiClient(AppsV1Api),
    );
    const events = kubeEventRecorder(
      kubeConfig.makeApiClient(CoreV1Api),
      config.leaderElection.identity,
      clock,
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
            events,
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
    // The status of TrafficPolicies and FaultInjections, from their pods' reports (decision
    // 0006): a queue of its own, written by the leader only, as VirtualApps are.
    const policyWriter = kubePolicyWriter(kubeConfig.makeApiClient(CustomObjectsApi));
    const policyQueue = new WorkQueue({
      clock,
      handle: async (key) =>
        leading
          ? syncPolicy(key, { cache: informers, writer: policyWriter, clock, log, metrics })
          : undefined,
      onError: (key, error, retryInMs) =>
        log.warn('policy status failed; retrying', { policy: key, err: error, retryInMs }),
    });
    const enqueuePolicies = (namespace?: string) => {
      for (const { kind, object } of informers.policiesIn(namespace)) {
        policyQueue.add(
          policyKeyOf(kind, object.metadata?.namespace ?? '', object.metadata?.name ?? ''),
        );
      }
    };
    const enqueueNamespace = (namespace: string) => {
      for (const object of informers.virtualApps()) {
        if (object.metadata?.namespace === namespace) {
          queue.add(keyOf(namespace, object.metadata?.name ?? ''));
        }
      }
      // A pod's report, readiness or labels may change what a policy's status says.
      enqueuePolicies(namespace);
    };
    informers = createInformers({
      kubeConfig,
      namespace: config.namespace,
      clock,
      log,
      events: {
        virtualApp: (namespace, name) => {
          queue.add(keyOf(namespace, name));
          // Policies select VirtualApps by name and labels, and pods by their subsets.
          enqueuePolicies(namespace);
        },
        revision: (namespace, name) => queue.add(keyOf(namespace, name)),
        pod: enqueueNamespace,
        policy: (kind, namespace, name) => policyQueue.add(policyKeyOf(kind, namespace, name)),
      },
    });

    // Injection reads VirtualApps from the informer and namespace labels (the namespace opt-in)
    // from a cache of its own, so that a review never waits on the apiserver.
    const namespaceLabels = createNamespaceLabelsCache({ kubeConfig, clock, log });
    const injection = {
      lister: injectionListerOf({
        virtualApps: () => informers.virtualApps(),
        namespaces: namespaceLabels,
      }),
      settings: config.injection,
      onResult: (outcome: InjectionOutcome, detail: string) =>
        (outcome === 'error' || outcome === 'denied' ? log.warn : log.debug)('pod injection', {
          outcome,
          detail,
        }),
    };
    const admission = createAdmissionServer({
      handlers: { ...managerAdmissionHandlers(injection), ...deps.admissionHandlers },
      log,
      onReviewed: (path, outcome) => metrics.reviewed(path, outcome),
    });
    const webhookSetup = webhookRotationOf(config);
    let certificates: WebhookCertificates | undefined;
    const certificateSecret = kubeCertificateSecret({
      kubeConfig,
      namespace: webhookSetup.namespace,
      name: config.webhook.secretName,
      clock,
      log,
      onChange: () => certificates?.notify(),
    });
    certificates = createWebhookCertificates({
      store: certificateSecret,
      caBundles: kubeCaBundles(kubeConfig.makeApiClient(AdmissionregistrationV1Api), {
        validating: config.webhook.validatingConfigurationName,
        mutating: config.webhook.mutatingConfigurationName,
      }),
      rotation: webhookSetup.rotation,
      tickMs: webhookSetup.tickMs,
      clock,
      log,
      isLeader: () => leading,
      serve: (pair) => admission.setCertificate(pair),
    });

    const admin = createAdminServer({
      registry: metrics.registry,
      notReady: () => {
        const unsynced = informers.unsynced();
        if (unsynced.length > 0) return `caches not synced: ${unsynced.join(', ')}`;
        // A replica without a certificate would fail every handshake the Service sends it.
        return admission.hasCertificate() ? undefined : 'no webhook certificate yet';
      },
    });
    await new Promise<void>((resolve, reject) => {
      admin.once('error', reject);
      admin.listen(config.admin.port, config.admin.host, () => resolve());
    });
    address = admin.address() as AddressInfo;
    log.info('admin server listening', { host: address.address, port: address.port });
    webhookAddress = await admission.listen(config.webhook.port, config.webhook.host);
    log.info('webhook server listening', {
      host: webhookAddress.address,
      port: webhookAddress.port,
      secret: `${webhookSetup.namespace}/${config.webhook.secretName}`,
    });
    const webhooks = new AbortController();
    const webhookLoops = Promise.all([
      certificateSecret.run(webhooks.signal),
      certificates.run(webhooks.signal),
    ]);

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
        certificates?.notify();
        for (const object of informers.virtualApps()) {
          queue.add(keyOf(object.metadata?.namespace ?? '', object.metadata?.name ?? ''));
        }
        enqueuePolicies();
      },
      onStoppedLeading: () => {
        leading = false;
        metrics.leading(false);
      },
    });

    const electing = new AbortController();
    try {
      await Promise.all([informers.start(), namespaceLabels.start()]);
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
      // No write may follow the release: drain the queues first, then give up the Lease.
      await Promise.all([queue.stop(), policyQueue.stop()]);
      leading = false;
      electing.abort();
      await election;
    } finally {
      await Promise.all([queue.stop(), policyQueue.stop()]);
      await informers.stop();
      await namespaceLabels.stop();
      webhooks.abort();
      await webhookLoops;
      await admission.close();
      await new Promise<void>((resolve) => admin.close(() => resolve()));
      log.info('manager stopped', { identity: leaderElection.identity });
    }
  };

  return {
    metrics,
    start,
    adminAddress: () => address,
    webhookAddress: () => webhookAddress,
  };
};
