import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineProxyConfig, type ProxyConfig, type ProxyConfigInput } from '../config.js';
import { type NamespaceLabelMap, StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import { createProxy, type ProxyAddresses, type ProxyParts, type ProxyRuntime } from '../proxy.js';
import type { Cleanup } from './cleanups.js';

/** The canary VirtualApp of the issue as YAML text, the way a pod's mounted file holds it. */
export const canaryVappYaml = readFileSync(
  new URL('../routes/fixtures/canary-vapp.yaml', import.meta.url),
  'utf8',
);

/** A fresh folder holding `virtualApp` as `vapp.yaml`, the file a proxy reads its routes from. */
export const vappFolder = (virtualApp = canaryVappYaml): { dir: string; vappFile: string } => {
  const dir = mkdtempSync(join(tmpdir(), 'proxy-'));
  const vappFile = join(dir, 'vapp.yaml');
  writeFileSync(vappFile, virtualApp);
  return { dir, vappFile };
};

/**
 * The config of a proxy for pod `home/p` of app `sample`, routed by `vappFile`, in front of a
 * plain-HTTP apiserver on `upstreamPort`, listening on free ports; `more` replaces whole sections.
 */
export const proxyConfigFor = (
  upstreamPort: number,
  vappFile: string,
  more: Partial<ProxyConfigInput> = {},
): ProxyConfig =>
  defineProxyConfig({
    pod: { name: 'p', namespace: 'home', labels: { app: 'sample' } },
    upstream: { url: `http://127.0.0.1:${upstreamPort}` },
    routes: { virtualAppFile: vappFile },
    listen: { port: 0 },
    admin: { port: 0 },
    ...more,
  });

/**
 * Creates and starts a proxy from `config` and `parts`, pushes its shutdown to `cleanups`, and
 * waits until it listens.
 */
export const launchProxy = async (
  config: ProxyConfig,
  parts: ProxyParts,
  cleanups: Cleanup[],
): Promise<{ proxy: ProxyRuntime; shutdown: () => Promise<void>; addresses: ProxyAddresses }> => {
  const proxy = createProxy(config, parts);
  const stop = new AbortController();
  const running = proxy.start(stop.signal);
  const shutdown = async () => {
    stop.abort();
    await running;
  };
  cleanups.push(shutdown);
  return { proxy, shutdown, addresses: await proxy.listening };
};

/** A proxy {@link startProxy} started, and where a test reaches it. */
export interface RunningProxy {
  readonly proxy: ProxyRuntime;
  /** Stops the proxy and resolves once it has stopped. */
  readonly shutdown: () => Promise<void>;
  /** The VirtualApp file it polls; a test edits it to change the routes. */
  readonly vappFile: string;
  /** `http://host:port` of the proxy itself. */
  readonly base: string;
  /** `http://host:port` of its admin server (`/readyz`, `/metrics`). */
  readonly admin: string;
  readonly port: number;
}

/** What {@link startProxy} needs besides the apiserver's port. */
export interface StartProxyOptions {
  /** Where the proxy's shutdown is pushed, to run after the test. */
  readonly cleanups: Cleanup[];
  /** The VirtualApp's YAML text; the canary app by default. */
  readonly virtualApp?: string;
  /** The labels of each namespace the proxy knows, as a namespace watch would give them. */
  readonly namespaces: Readonly<Record<string, NamespaceLabelMap>>;
}

/**
 * Starts a whole proxy, as `main` does, in front of the apiserver on `upstreamPort`, with routes
 * kept in a state file and a short drain, and waits until it listens.
 */
export const startProxy = async (
  upstreamPort: number,
  { cleanups, virtualApp, namespaces }: StartProxyOptions,
): Promise<RunningProxy> => {
  const { dir, vappFile } = vappFolder(virtualApp);
  const config = proxyConfigFor(upstreamPort, vappFile, {
    routes: { virtualAppFile: vappFile, stateFile: join(dir, 'routes.json') },
    shutdown: { drainTimeoutMs: 500 },
  });
  const { proxy, shutdown, addresses } = await launchProxy(
    config,
    { namespaces: new StaticNamespaceLabels(namespaces), logSink: () => undefined },
    cleanups,
  );
  return {
    proxy,
    shutdown,
    vappFile,
    base: `http://127.0.0.1:${addresses.proxy.port}`,
    admin: `http://127.0.0.1:${addresses.admin.port}`,
    port: addresses.proxy.port,
  };
};
