import { unwatchFile, watchFile } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ProxyConfig } from './config.js';
import {
  DiscoveredResourceScopes,
  type ResourceScopes,
  StaticResourceScopes,
} from './discovery/resource-scopes.js';
import { type NamespaceLabels, UnavailableNamespaceLabels } from './namespaces/namespace-labels.js';
import { WatchedNamespaceLabels } from './namespaces/watch-namespaces.js';
import { logRecord, routesApplied } from './observe/channels.js';
import { type LogSink, subscribeLog } from './observe/log.js';
import { createProxyMetrics } from './observe/metrics.js';
import { relabelMatters } from './ownership/namespace-relabel.js';
import { buildPipeline } from './pipeline/build-pipeline.js';
import { persistRoutes } from './routes/persisted-routes.js';
import { RouteLoader } from './routes/route-loader.js';
import { RouteStore } from './routes/route-store.js';
import { createAdminServer } from './server/admin-server.js';
import { drain, listen } from './server/listen.js';
import { selfSignedCertificate } from './server/self-signed-certificate.js';
import { serveProxy } from './server/serve-proxy.js';
import { createUpstream } from './upstream/upstream.js';
import { WatchRegistry } from './watches/watch-registry.js';
import { WatchSeeds } from './watches/watch-seeds.js';
import { createWebhookFront } from './webhook/webhook-front.js';
import { StaticWebhookPeers, type WebhookPeers } from './webhook/webhook-peers.js';
import { FileWebhookPeers } from './webhook/webhook-peers-file.js';

/** A long-lived part: `start` resolves only once stopped and cleaned up. */
export interface Runnable {
  readonly name: string;
  start(signal: AbortSignal): Promise<void>;
}

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
}

// A fatal start error says what the proxy was doing; Node's own message names the file and why.
const failed =
  (doing: string) =>
  (error: Error): never => {
    throw new Error(`${doing}: ${error.message}`, { cause: error });
  };

// The controller-facing server: plain HTTP, a given certificate, or one made here whose CA is
// written out (atomically) for the controller to trust as its ca.crt.
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
  const { certPem, keyPem } = selfSignedCertificate(hosts);
  if (tls.caOutFile !== undefined) {
    const tmp = `${tls.caOutFile}.tmp-${process.pid}`;
    const cannotWrite = failed(`cannot write the serving certificate's CA to ${tls.caOutFile}`);
    await writeFile(tmp, certPem).catch(cannotWrite);
    await rename(tmp, tls.caOutFile).catch(cannotWrite);
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

/**
 * Builds the proxy from a complete config. `start(signal)` loads routes (persisted, then the
 * VirtualApp file, which it keeps watching), serves controllers and the admin endpoints, and on abort
 * drains and closes everything.
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

  /**
   * Builds and starts every part, telling `release` how to undo each as soon as it exists: whatever
   * fails on the way (an unreadable certificate, a port in use), `start` then undoes what was done,
   * and nothing is left behind that keeps the process alive. Resolves once both servers listen.
   */
  const startParts = async (
    stopping: AbortSignal,
    release: (undo: () => unknown) => void,
  ): Promise<ProxyAddresses> => {
    const metrics = createProxyMetrics();
    release(() => metrics.close());
    const upstream = await createUpstream(config.upstream);
    release(async () => {
      const { cut } = await upstream.close(UPSTREAM_CLOSE_GRACE_MS);
      if (cut > 0)
        log('warn', 'upstream requests still running at shutdown were cut', {
          requests: cut,
          graceMs: UPSTREAM_CLOSE_GRACE_MS,
        });
    });
    // Read (or made and written out) before anything starts that runs on its own: these files are
    // where a start most often fails.
    const server: Server = await createFront(config.listen);
    const seeds = new WatchSeeds();
    const watches = new WatchRegistry();
    const watched =
      parts.namespaces === undefined && config.credentials.tokenFile !== undefined
        ? new WatchedNamespaceLabels({
            pool: upstream.pool,
            watchPool: upstream.longRunningPool,
            tokenFile: config.credentials.tokenFile,
          })
        : undefined;
    const namespaces = parts.namespaces ?? watched ?? new UnavailableNamespaceLabels();
    if (namespaces instanceof UnavailableNamespaceLabels)
      log('warn', NO_NAMESPACE_LABELS, { effect: 'namespaced requests get 503; not ready' });
    const tokenFile = config.credentials.tokenFile;
    const scopes =
      parts.scopes ??
      (tokenFile === undefined
        ? new StaticResourceScopes()
        : new DiscoveredResourceScopes({ pool: upstream.pool, tokenFile }));
    let namespacesReady = watched === undefined;
    void watched?.synced.then(() => {
      namespacesReady = true;
    });
    const running = watched?.start(stopping);
    // `stopping` is aborted before anything is released, which ends the watch.
    release(() => running);

    const stopSwap = routes.onSwap((next, previous) => {
      // Any visible set may have changed: clients re-list (410) and their caches become exact.
      seeds.clear();
      watches.expireAll(`ctrlmesh routes changed to version ${next.version}; re-list`);
      routesApplied.publish({ version: next.version, generation: next.generation });
      log('info', 'routes applied', {
        version: next.version,
        previous: previous?.version,
        subset: next.subset,
      });
      if (config.routes.stateFile !== undefined) {
        persistRoutes(config.routes.stateFile, next.app).catch((error) =>
          log('error', 'persisting routes failed', { error: String(error) }),
        );
      }
    });
    release(stopSwap);
    const stopNamespaces = namespaces.onChange((name, before, after) => {
      const snapshot = routes.current();
      // Only labels some namespaceSelector reads can move objects across slices.
      if (snapshot !== undefined && !relabelMatters(snapshot.routes, before, after)) return;
      seeds.clear();
      watches.expireNamespace(name, `namespace "${name}" was relabelled; re-list`);
    });
    release(stopNamespaces);
    // Parses in a worker and compiles in steps: requests keep the current routes meanwhile.
    const loader = new RouteLoader(routes, {
      podLabels: config.pod.labels,
      overrides: {
        leaderElectionName: config.leaderElectionName,
        userAgentOverride: config.userAgentOverride,
      },
      maxFileBytes: config.routes.maxFileBytes,
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
    if (config.routes.stateFile !== undefined) {
      const persisted = await loader.loadPersisted(config.routes.stateFile);
      if (persisted?.ok) log('info', 'routes loaded', { source: config.routes.stateFile });
      else if (persisted !== undefined)
        log('warn', 'persisted routes unreadable', { problems: persisted.problems });
    }
    const vappFile = config.routes.virtualAppFile;
    if (vappFile !== undefined) {
      await loadFile(vappFile);
      // Polling, not fs.watch: a mounted ConfigMap changes by swapping a symlink.
      watchFile(vappFile, { interval: 1000 }, () => void loadFile(vappFile));
    }
    // The poller keeps the process alive until it is unwatched.
    if (vappFile !== undefined) release(() => unwatchFile(vappFile));

    const inFlight = serveProxy(
      server,
      buildPipeline({
        routes,
        namespaces,
        scopes,
        seeds,
        watches,
        upstream,
        maxFrameBytes: config.limits.maxFrameBytes,
        maxListBytes: config.limits.maxListBytes,
        podNamespace: config.pod.namespace,
      }),
    );
    const webhookConfig = config.webhook;
    let stopPeers: () => void = () => undefined;
    let webhookPeers = parts.webhookPeers;
    if (webhookPeers === undefined && webhookConfig?.peersFile !== undefined) {
      const file = new FileWebhookPeers(webhookConfig.peersFile, (problems) =>
        log('error', 'webhook peers file rejected; keeping the last good list', {
          file: webhookConfig.peersFile,
          problems,
        }),
      );
      stopPeers = await file.watch();
      webhookPeers = file;
    }
    release(() => stopPeers());
    const webhookFront =
      webhookConfig === undefined
        ? undefined
        : createWebhookFront(webhookConfig, {
            routes,
            namespaces,
            peers: webhookPeers ?? new StaticWebhookPeers(),
            podName: config.pod.name,
            maxBytes: config.limits.maxFrameBytes,
          });
    const webhookRunning = webhookFront?.start(stopping);
    release(() => webhookRunning);
    if (webhookFront === undefined) resolveWebhook(undefined);
    else webhookFront.listening.then(resolveWebhook, () => resolveWebhook(undefined));
    const admin = createAdminServer({
      registry: metrics.registry,
      notReady: () => {
        // It can never decide a namespaced request (DESIGN §5: it fails closed), so it says so first.
        if (namespaces instanceof UnavailableNamespaceLabels) return NO_NAMESPACE_LABELS;
        if (routes.current() === undefined) return 'no routes yet';
        if (!namespacesReady) return 'namespace labels not synced yet';
        return undefined;
      },
    });
    release(
      () =>
        new Promise<void>((resolve) => {
          admin.closeAllConnections();
          admin.close(() => resolve());
        }),
    );
    // Released before the admin server, so that /metrics and /readyz answer while requests drain.
    release(() => drain(server, inFlight, config.shutdown.drainTimeoutMs));
    return {
      proxy: await listen(server, config.listen.host, config.listen.port),
      admin: await listen(admin, config.admin.host, config.admin.port),
    };
  };

  const start = async (signal: AbortSignal): Promise<void> => {
    const stopLog = subscribeLog(
      config.log.level,
      parts.logSink ?? ((line) => process.stdout.write(`${line}\n`)),
    );
    // Ends what runs on its own (the namespace watch, the webhook front) before the releases.
    const stopping = new AbortController();
    const releases: (() => unknown)[] = [];
    try {
      const addresses = await startParts(stopping.signal, (undo) => void releases.push(undo));
      log('info', 'listening', { proxy: addresses.proxy.port, admin: addresses.admin.port });
      resolveListening(addresses);
      if (!signal.aborted)
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    } catch (error) {
      rejectListening(error);
      resolveWebhook(undefined);
      throw error;
    } finally {
      log('info', 'draining');
      stopping.abort();
      // In reverse order of start: the servers first, the upstream pool and metrics last.
      for (const undo of releases.reverse()) await undo();
      log('info', 'stopped');
      stopLog();
    }
  };

  return { name: 'ctrlmesh-proxy', listening, routes, webhookListening, start };
};
