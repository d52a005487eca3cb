import { unwatchFile, watchFile } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { createAdminServer } from '@ctrlmesh/runtime-support';
import { ClusterRoutes } from './cluster/cluster-routes.js';
import type { ProxyConfig } from './config.js';
import {
  DiscoveredResourceScopes,
  type ResourceScopes,
  StaticResourceScopes,
} from './discovery/resource-scopes.js';
import { heldRunnable, type Runnable } from './lifecycle/runnable.js';
import { createRunnableGroup, RunnableError } from './lifecycle/runnable-group.js';
import { type NamespaceLabels, UnavailableNamespaceLabels } from './namespaces/namespace-labels.js';
import { WatchedNamespaceLabels } from './namespaces/watch-namespaces.js';
import { logRecord, routesApplied } from './observe/channels.js';
import { type LogSink, subscribeLog } from './observe/log.js';
import { createProxyMetrics } from './observe/metrics.js';
import { relabelMatters } from './ownership/namespace-relabel.js';
import { buildPipeline } from './pipeline/build-pipeline.js';
import { ClusterPolicies } from './policies/cluster-policies.js';
import { readPolicyFile } from './policies/policy-file.js';
import { PolicyStateReporter } from './policies/policy-state-reporter.js';
import { identityOf, type Policies, PolicyStore } from './policies/policy-store.js';
import { persistSnapshot } from './routes/persisted-routes.js';
import { RouteLoader } from './routes/route-loader.js';
import { RouteStore } from './routes/route-store.js';
import { keptOrNewCertificate } from './server/kept-certificate-file.js';
import { drain, listen } from './server/listen.js';
import {
  type SelfSignedCertificate,
  selfSignedCertificate,
} from './server/self-signed-certificate.js';
import { serveProxy } from './server/serve-proxy.js';
import { linkServiceAccount } from './server/service-account-links.js';
import { createUpstream, type Upstream } from './upstream/upstream.js';
import { WatchRegistry } from './watches/watch-registry.js';
import { WatchSeeds } from './watches/watch-seeds.js';
import { createWebhookFront } from './webhook/webhook-front.js';
import { StaticWebhookPeers, type WebhookPeers } from './webhook/webhook-peers.js';
import { FileWebhookPeers } from './webhook/webhook-peers-file.js';

/** Where a started proxy listens. */
export interface ProxyAddresses {
  readonly proxy: AddressInfo;
  readonly admin: AddressInfo;
}

/** The proxy sidecar, built by {@link createProxy}. */
export interface ProxyRuntime extends Runnable {
  /** Resolves once both servers listen (useful with port 0). */
  readonly listening: Promise<ProxyAddresses>;
  /** The routes in use; a manager client (later) swaps snapshots here. */
  readonly routes: RouteStore;
  /**
   * Where the webhook front listens, once the controller's certificate was read; undefined when
   * the front is off. Never part of readiness (see webhook-front.ts).
   */
  readonly webhookListening: Promise<AddressInfo | undefined>;
}

/** Replaceable parts, for tests and embedders. */
export interface ProxyParts {
  /** Namespace labels; by default watched from the apiserver with `credentials.tokenFile`. */
  readonly namespaces?: NamespaceLabels;
  /** Log lines; stdout by default. */
  readonly logSink?: LogSink;
  /** Which resources are namespaced; by default discovery with `credentials.tokenFile`. */
  readonly scopes?: ResourceScopes;
  /** The webhook fronts of other subsets; by default `webhook.peersFile`, else none. */
  readonly webhookPeers?: WebhookPeers;
  /** Traffic policies; by default `policies.file`, else the cluster in cluster mode, else none. */
  readonly policies?: Policies;
}

// A fatal start error says what the proxy was doing; Node's own message names the file and why.
const failed =
  (doing: string) =>
  (error: Error): never => {
    throw new Error(`${doing}: ${error.message}`, { cause: error });
  };

// The self-signed serving certificate: kept across restarts in `stateFile` when there is one.
const servingCertificate = async (
  tls: Extract<ProxyConfig['listen']['tls'], { mode: 'self-signed' }>,
  hosts: readonly string[],
): Promise<SelfSignedCertificate> => {
  if (tls.stateFile === undefined) return selfSignedCertificate(hosts);
  const { stateFile } = tls;
  const settled = await keptOrNewCertificate(stateFile, hosts).catch(
    failed(`cannot keep the serving certificate in ${stateFile}`),
  );
  if (settled.kept) log('info', 'serving the kept certificate', { file: stateFile });
  else log('info', 'made a new serving certificate', { file: stateFile, reason: settled.reason });
  return settled.certificate;
};

// The controller-facing server: plain HTTP, a given certificate, or one made here (or kept from
// the last start) whose CA is written out (atomically) for the controller to trust as its ca.crt.
const createFront = async (listen: Readonly<ProxyConfig['listen']>): Promise<Server> => {
  const { tls } = listen;
  if (tls.mode === 'none') return createHttpServer();
  if (tls.mode === 'files') {
    return createHttpsServer({
      cert: await readFile(tls.certFile).catch(failed('cannot read the serving certificate')),
      key: await readFile(tls.keyFile).catch(failed('cannot read the serving key')),
    });
  }
  const hosts = [...new Set(['127.0.0.1', '::1', 'localhost', listen.host])];
  const { certPem, keyPem } = await servingCertificate(tls, hosts);
  if (tls.caOutFile !== undefined) {
    const tmp = `${tls.caOutFile}.tmp-${process.pid}`;
    const cannotWrite = failed(`cannot write the serving certificate's CA to ${tls.caOutFile}`);
    await writeFile(tmp, certPem).catch(cannotWrite);
    await rename(tmp, tls.caOutFile).catch(cannotWrite);
    if (tls.serviceAccountFrom !== undefined) {
      await linkServiceAccount(dirname(tls.caOutFile), tls.serviceAccountFrom).catch(
        failed(`cannot link the service account's token and namespace beside ${tls.caOutFile}`),
      );
    }
  }
  return createHttpsServer({ cert: certPem, key: keyPem });
};

/**
 * After the drain nothing of ours should still talk to the apiserver (every exchange and watch is
 * aborted by then); this is only the bound on what was missed.
 */
const UPSTREAM_CLOSE_GRACE_MS = 1_000;

// Without a credential of its own, the proxy has no namespace labels (namespace-labels.ts).
const NO_NAMESPACE_LABELS = 'namespace labels unavailable: no token file of its own (--token-file)';

const log = (level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}) =>
  logRecord.publish({ level, msg, ...fields });

// Cluster mode reads the VirtualApp with the proxy's own token: without one it cannot start.
const requireTokenFile = (tokenFile: string | undefined): string => {
  if (tokenFile === undefined)
    throw new Error(
      "routes.virtualAppName needs the proxy's own token (credentials.tokenFile, --token-file)",
    );
  return tokenFile;
};

/** What {@link assembleProxy} is given: what `start` read first, and where to say what it did. */
interface Assembly {
  readonly config: Readonly<ProxyConfig>;
  readonly parts: ProxyParts;
  readonly routes: RouteStore;
  /** The controller-facing server, its certificate read (or made and written out). */
  readonly server: Server;
  readonly upstream: Upstream;
  /** Where the webhook front listens, or undefined when it is off or never listened. */
  readonly webhookListening: (address: AddressInfo | undefined) => void;
}

/**
 * Wires the proxy's parts and lists its long-lived ones in the order they start (each once the
 * one before is ready; they stop in reverse). Nothing here runs until the list is started, but
 * the metrics, which count from now on and are closed by the first entry.
 */
const assembleProxy = (assembly: Assembly) => {
  const { config, parts, routes, server, upstream } = assembly;
  const metrics = createProxyMetrics();
  const seeds = new WatchSeeds();
  const watches = new WatchRegistry();
  const tokenFile = config.credentials.tokenFile;
  const watched =
    parts.namespaces === undefined && tokenFile !== undefined
      ? new WatchedNamespaceLabels({
          pool: upstream.pool,
          watchPool: upstream.longRunningPool,
          tokenFile,
        })
      : undefined;
  const namespaces = parts.namespaces ?? watched ?? new UnavailableNamespaceLabels();
  if (namespaces instanceof UnavailableNamespaceLabels)
    log('warn', NO_NAMESPACE_LABELS, { effect: 'namespaced requests get 503; not ready' });
  let namespacesSynced = watched === undefined;
  void watched?.synced.then(() => {
    namespacesSynced = true;
  });
  const scopes =
    parts.scopes ??
    (tokenFile === undefined
      ? new StaticResourceScopes()
      : new DiscoveredResourceScopes({ pool: upstream.pool, tokenFile }));
  // Parses in a worker and compiles in steps: requests keep the current routes meanwhile.
  const loader = new RouteLoader(routes, {
    podLabels: config.pod.labels,
    overrides: {
      leaderElectionName: config.leaderElectionName,
      userAgentOverride: config.userAgentOverride,
    },
    maxFileBytes: config.routes.maxFileBytes,
  });
  // The policies that apply to this proxy follow its routes: they select VirtualApps and subsets.
  const policyStore = new PolicyStore();
  const policies = parts.policies ?? policyStore;
  const pipeline = buildPipeline({
    routes,
    namespaces,
    policies,
    scopes,
    seeds,
    watches,
    upstream,
    maxFrameBytes: config.limits.maxFrameBytes,
    maxListBytes: config.limits.maxListBytes,
    podNamespace: config.pod.namespace,
  });
  const webhookConfig = config.webhook;
  // Cluster mode: the routes (and the webhook peers) come from the apiserver (decision 0005).
  const virtualAppName = config.routes.virtualAppName;
  if (virtualAppName !== undefined && config.routes.virtualAppFile !== undefined)
    throw new Error('routes.virtualAppName and routes.virtualAppFile exclude each other');
  const cluster =
    virtualAppName === undefined
      ? undefined
      : new ClusterRoutes(routes, {
          pool: upstream.pool,
          watchPool: upstream.longRunningPool,
          tokenFile: requireTokenFile(tokenFile),
          virtualAppName,
          podName: config.pod.name,
          podNamespace: config.pod.namespace,
          podLabels: config.pod.labels,
          overrides: {
            leaderElectionName: config.leaderElectionName,
            userAgentOverride: config.userAgentOverride,
          },
          stateFile: config.routes.stateFile,
          maxFileBytes: config.routes.maxFileBytes,
          webhookPort: webhookConfig?.port,
        });
  const policyFile = parts.policies === undefined ? config.policies.file : undefined;
  const clusterPolicies =
    parts.policies === undefined && policyFile === undefined && virtualAppName !== undefined
      ? new ClusterPolicies(policyStore, {
          pool: upstream.pool,
          watchPool: upstream.longRunningPool,
          tokenFile: requireTokenFile(tokenFile),
          namespace: config.pod.namespace,
        })
      : undefined;
  // The state of those policies, reported on the pod for the manager (decision 0006).
  const policyStateReporter =
    clusterPolicies === undefined
      ? undefined
      : new PolicyStateReporter(policyStore, {
          pool: upstream.pool,
          tokenFile: requireTokenFile(tokenFile),
          podName: config.pod.name,
          podNamespace: config.pod.namespace,
        });
  const loadPolicies = async (file: string) => {
    const result = await readPolicyFile(file, { maxBytes: config.routes.maxFileBytes });
    if (result.ok) {
      policyStore.setDocuments(result.value);
      log('info', 'traffic policies loaded', {
        source: file,
        trafficPolicies: result.value.trafficPolicies.length,
        faultInjections: result.value.faultInjections.length,
      });
    } else
      log('error', 'traffic policies rejected; keeping the last good set', {
        file,
        problems: result.problems.map((p) => `${p.path}: ${p.message}`),
      });
  };
  const peersFile =
    parts.webhookPeers === undefined && webhookConfig?.peersFile !== undefined
      ? new FileWebhookPeers(webhookConfig.peersFile, (problems) =>
          log('error', 'webhook peers file rejected; keeping the last good list', {
            file: webhookConfig.peersFile,
            problems,
          }),
        )
      : undefined;
  const webhookFront =
    webhookConfig === undefined
      ? undefined
      : createWebhookFront(webhookConfig, {
          routes,
          namespaces,
          peers: parts.webhookPeers ?? peersFile ?? cluster ?? new StaticWebhookPeers(),
          policies,
          podName: config.pod.name,
          maxBytes: config.limits.maxFrameBytes,
        });
  if (webhookFront === undefined) assembly.webhookListening(undefined);
  else
    webhookFront.listening.then(assembly.webhookListening, () =>
      assembly.webhookListening(undefined),
    );
  let proxyAddress: AddressInfo | undefined;
  let adminAddress: AddressInfo | undefined;
  const admin = createAdminServer({
    registry: metrics.registry,
    notReady: () => {
      // It can never decide a namespaced request (DESIGN §5: it fails closed), so it says so first.
      if (namespaces instanceof UnavailableNamespaceLabels) return NO_NAMESPACE_LABELS;
      if (routes.current() === undefined) return 'no routes yet';
      if (!namespacesSynced) return 'namespace labels not synced yet';
      // The admin server listens first, so that it answers while the proxy server drains.
      if (proxyAddress === undefined) return 'not listening yet';
      return undefined;
    },
  });

  const loadFile = async (file: string) => {
    const result = await loader.loadFile(file);
    if (result.ok) log('info', 'routes loaded', { source: file });
    else
      log('error', 'VirtualApp rejected; keeping the current routes', {
        file,
        problems: result.problems,
      });
  };

  const runnables: (Runnable | undefined)[] = [
    // First up, last down: every other part reports through the channels it counts.
    heldRunnable('metrics', () => metrics.close),
    // The apiserver connections every other part talks through; after the drain nothing of ours
    // should use them, and the grace only bounds what was missed.
    heldRunnable('upstream', () => async () => {
      const { cut } = await upstream.close(UPSTREAM_CLOSE_GRACE_MS);
      if (cut > 0)
        log('warn', 'upstream requests still running at shutdown were cut', {
          requests: cut,
          graceMs: UPSTREAM_CLOSE_GRACE_MS,
        });
    }),
    // Namespace labels for namespaceSelectors, read with the proxy's own token; ready at once
    // (/readyz waits for its first list), so the proxy serves while the apiserver is away.
    watched,
    // A route swap changes what every client may see: watches end (410) and seeds go, so clients
    // re-list; the new routes are persisted for the next start.
    heldRunnable('route-swaps', () =>
      routes.onSwap((next, previous) => {
        seeds.clear();
        watches.expireChanged(next, `ctrlmesh routes changed to version ${next.version}; re-list`);
        routesApplied.publish({ version: next.version, generation: next.generation });
        log('info', 'routes applied', {
          version: next.version,
          previous: previous?.version,
          subset: next.subset,
        });
        if (config.routes.stateFile !== undefined) {
          persistSnapshot(config.routes.stateFile, next).catch((error) =>
            log('error', 'persisting routes failed', { error: String(error) }),
          );
        }
      }),
    ),
    // A relabelled namespace can move objects across slices: the watches reading it end.
    heldRunnable('namespace-relabels', () =>
      namespaces.onChange((name, before, after) => {
        const snapshot = routes.current();
        // Only labels some namespaceSelector reads can move objects across slices.
        if (snapshot !== undefined && !relabelMatters(snapshot.state, before, after)) return;
        seeds.forgetNamespace(name);
        watches.expireNamespace(name, `namespace "${name}" was relabelled; re-list`);
      }),
    ),
    // Policies select VirtualApps and subsets: the rules that apply follow the routes in use.
    heldRunnable('policy-identity', () => {
      const current = routes.current();
      if (current !== undefined) policyStore.setIdentity(identityOf(current, config.pod.namespace));
      return routes.onSwap((next) =>
        policyStore.setIdentity(identityOf(next, config.pod.namespace)),
      );
    }),
    // TrafficPolicies and FaultInjections from a file, polled like the VirtualApp file; an invalid
    // file keeps the last good set. Or from the cluster, in cluster mode.
    policyFile === undefined
      ? clusterPolicies
      : heldRunnable('policy-file', async () => {
          await loadPolicies(policyFile);
          const changed = () => void loadPolicies(policyFile);
          watchFile(policyFile, { interval: 1000 }, changed);
          return () => unwatchFile(policyFile, changed);
        }),
    // Their state on the pod: after the upstream (it writes through it), before the sources stop.
    policyStateReporter,
    // The routes from the cluster: the persisted state, then the published one, followed; ready
    // once the persisted state was read, so the servers start with routes if there are any.
    cluster,
    // The routes: the persisted ones, then the VirtualApp file, which it keeps polling; ready once
    // both were read, so the servers start with routes if there are any.
    cluster !== undefined
      ? undefined
      : heldRunnable('routes', async () => {
          const stateFile = config.routes.stateFile;
          if (stateFile !== undefined) {
            const persisted = await loader.loadPersisted(stateFile);
            if (persisted?.ok) log('info', 'routes loaded', { source: stateFile });
            else if (persisted !== undefined)
              log('warn', 'persisted routes unreadable', { problems: persisted.problems });
          }
          const vappFile = config.routes.virtualAppFile;
          if (vappFile === undefined) return () => undefined;
          await loadFile(vappFile);
          // Polling, not fs.watch: a mounted ConfigMap changes by swapping a symlink. The poller keeps
          // the process alive until it is unwatched.
          const changed = () => void loadFile(vappFile);
          watchFile(vappFile, { interval: 1000 }, changed);
          return () => unwatchFile(vappFile, changed);
        }),
    // The other subsets' webhook fronts, from a file polled for changes, until the manager feeds them.
    peersFile === undefined ? undefined : heldRunnable('webhook-peers', () => peersFile.watch()),
    // The controller's admission webhook, fronted; ready at once, never part of readiness
    // (webhook-front.ts says why).
    webhookFront,
    // /metrics and the probes; up before the proxy server and down after it, so that they answer
    // while requests drain.
    heldRunnable('admin-server', async () => {
      adminAddress = await listen(admin, config.admin.host, config.admin.port);
      return () =>
        new Promise<void>((resolve) => {
          admin.closeAllConnections();
          admin.close(() => resolve());
        });
    }),
    // The controllers' way to the apiserver; the first to stop: watches end, requests drain.
    heldRunnable('proxy-server', async () => {
      const inFlight = serveProxy(server, pipeline);
      proxyAddress = await listen(server, config.listen.host, config.listen.port);
      return () => drain(server, inFlight, config.shutdown.drainTimeoutMs);
    }),
  ];

  return {
    runnables: runnables.filter((runnable) => runnable !== undefined),
    /** Where both servers listen, once the list is ready. */
    addresses: (): ProxyAddresses => {
      if (proxyAddress === undefined || adminAddress === undefined)
        throw new Error('the proxy is not listening yet');
      return { proxy: proxyAddress, admin: adminAddress };
    },
  };
};

/**
 * Builds the proxy from a complete config. `start(signal)` loads routes (persisted, then the
 * VirtualApp file, which it keeps watching), serves controllers and the admin endpoints, and on abort
 * drains and closes everything, in the reverse order of its parts (`assembleProxy`). A part that
 * cannot start stops those started before it; `start` rejects with its error (a `RunnableError`
 * naming the part).
 */
export const createProxy = (
  config: Readonly<ProxyConfig>,
  parts: ProxyParts = {},
): ProxyRuntime => {
  const routes = new RouteStore();
  let resolveListening: (addresses: ProxyAddresses) => void = () => undefined;
  let rejectListening: (error: unknown) => void = () => undefined;
  const listening = new Promise<ProxyAddresses>((resolve, reject) => {
    resolveListening = resolve;
    rejectListening = reject;
  });
  listening.catch(() => undefined);
  let resolveWebhook: (address: AddressInfo | undefined) => void = () => undefined;
  const webhookListening = new Promise<AddressInfo | undefined>((resolve) => {
    resolveWebhook = resolve;
  });

  const start = async (signal: AbortSignal): Promise<void> => {
    const stopLog = subscribeLog(
      config.log.level,
      parts.logSink ?? ((line) => process.stdout.write(`${line}\n`)),
    );
    const draining = () => log('info', 'draining');
    signal.addEventListener('abort', draining, { once: true });
    try {
      // Read (or made and written out) before anything runs: the serving certificate and the
      // apiserver's CA are where a start most often fails, and nothing needs undoing yet.
      const server = await createFront(config.listen);
      const upstream = await createUpstream(config.upstream);
      // Assembled only to be started: the first part closes the metrics assembling opens.
      if (signal.aborted) return;
      const proxy = assembleProxy({
        config,
        parts,
        routes,
        server,
        upstream,
        webhookListening: resolveWebhook,
      });
      const group = createRunnableGroup('ctrlmesh-proxy', proxy.runnables);
      void group.ready.then(() => {
        const addresses = proxy.addresses();
        log('info', 'listening', { proxy: addresses.proxy.port, admin: addresses.admin.port });
        resolveListening(addresses);
      });
      await group.start(signal);
    } catch (error) {
      if (error instanceof RunnableError)
        log('error', 'a part of the proxy failed', {
          part: error.runnable,
          phase: error.phase,
          error: error.message,
        });
      rejectListening(error);
      resolveWebhook(undefined);
      throw error;
    } finally {
      // Stopped before both servers listened: it never will (a no-op once it did).
      rejectListening(new Error('the proxy was stopped before it listened'));
      resolveWebhook(undefined);
      signal.removeEventListener('abort', draining);
      log('info', 'stopped');
      stopLog();
    }
  };

  return { name: 'ctrlmesh-proxy', listening, routes, webhookListening, start };
};
