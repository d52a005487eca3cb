import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_SUBSET } from '@ctrlmesh/route-engine';
import { Pool } from 'undici';
import { describe, expect, it } from 'vitest';
import { persistSnapshot } from '../routes/persisted-routes.js';
import { RouteStore } from '../routes/route-store.js';
import { listen } from '../server/listen.js';
import { cleanupsAfterEach, closeServer } from '../test-support/cleanups.js';
import { canaryApp, handoverSnapshot, widenedCanaryApp } from '../test-support/exchanges.js';
import { ClusterRoutes } from './cluster-routes.js';

const cleanups = cleanupsAfterEach();

const NS = 'ctrlmesh-system';
const revision = (name: string, spec: unknown, rv = '1') => ({
  apiVersion: 'apps/v1',
  kind: 'ControllerRevision',
  metadata: {
    name,
    namespace: NS,
    resourceVersion: rv,
    labels: { 'ctrlmesh.io/virtual-app': 'sample' },
  },
  data: { spec },
  revision: 1,
});
const virtualApp = (routing: Record<string, unknown> | undefined, rv = '1') => ({
  ...canaryApp(),
  metadata: { name: 'sample', namespace: NS, resourceVersion: rv },
  ...(routing === undefined ? {} : { status: { routing: { observedGeneration: 1, ...routing } } }),
});
const pod = (name: string, labels: Record<string, string>, ip: string, ready: boolean) => ({
  metadata: { name, namespace: NS, resourceVersion: '1', labels },
  status: { podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

type Collection = 'virtualapps' | 'controllerrevisions' | 'pods';

/** A pretend apiserver: lists what it holds, keeps watches open for `emit`, records status patches. */
const startApiserver = async (held: Record<Collection, unknown[]>) => {
  const watchers = new Map<Collection, ServerResponse>();
  const patches: { contentType: string; body: unknown; auth: string }[] = [];
  const queries: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const collection = url.pathname.split('/').pop() as string;
    if (req.method === 'PATCH' && url.pathname === `/api/v1/namespaces/${NS}/pods/me/status`) {
      let text = '';
      req.on('data', (chunk) => {
        text += chunk;
      });
      req.on('end', () => {
        patches.push({
          contentType: req.headers['content-type'] ?? '',
          body: JSON.parse(text),
          auth: req.headers.authorization ?? '',
        });
        res.end('{}');
      });
      return;
    }
    if (!['virtualapps', 'controllerrevisions', 'pods'].includes(collection)) {
      res.statusCode = 404;
      res.end('{}');
      return;
    }
    queries.push(`${collection}?${url.searchParams}`);
    if (url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'application/json' });
      watchers.set(collection as Collection, res);
      return;
    }
    res.end(
      JSON.stringify({ metadata: { resourceVersion: '5' }, items: held[collection as Collection] }),
    );
  });
  const { port } = await listen(server, '127.0.0.1', 0);
  cleanups.push(() => closeServer(server));
  const emit = async (collection: Collection, type: string, object: unknown) => {
    await expect.poll(() => watchers.has(collection)).toBe(true);
    watchers.get(collection)?.write(`${JSON.stringify({ type, object })}\n`);
  };
  return { origin: `http://127.0.0.1:${port}`, patches, queries, emit };
};

const follow = (
  origin: string,
  options: { podLabels?: Record<string, string>; stateFile?: string; webhookPort?: number } = {},
) => {
  const pool = new Pool(origin);
  const dir = mkdtempSync(join(tmpdir(), 'cluster-routes-'));
  writeFileSync(join(dir, 'token'), 'proxy-token\n');
  const store = new RouteStore();
  const source = new ClusterRoutes(store, {
    pool,
    watchPool: pool,
    tokenFile: join(dir, 'token'),
    virtualAppName: 'sample',
    podName: 'me',
    podNamespace: NS,
    podLabels: options.podLabels ?? {},
    stateFile: options.stateFile,
    webhookPort: options.webhookPort,
  });
  const stop = new AbortController();
  const running = source.start(stop.signal);
  cleanups.push(async () => {
    stop.abort();
    await running;
    await pool.destroy();
  });
  return { store, source };
};

const conditionOf = (patch: { body: unknown } | undefined) =>
  (patch?.body as { status: { conditions: Record<string, string>[] } } | undefined)?.status
    .conditions[0];

describe('ClusterRoutes', () => {
  it('applies the published state, watching with its own token, and reports it on its own pod', async () => {
    const api = await startApiserver({
      virtualapps: [virtualApp({ currentRevision: 'sample-a', phase: 'Settled' })],
      controllerrevisions: [revision('sample-a', canaryApp().spec)],
      pods: [],
    });
    const { store } = follow(api.origin);
    await expect.poll(() => store.current()?.version).toBe('sample-a');
    await expect.poll(() => api.patches.length).toBe(1);
    const [patch] = api.patches;
    expect(patch?.contentType).toBe('application/strategic-merge-patch+json');
    expect(patch?.auth).toBe('Bearer proxy-token');
    expect(conditionOf(patch)).toMatchObject({
      type: 'ctrlmesh.io/RoutesApplied',
      status: 'True',
      reason: 'Settled',
      message: 'sample-a',
    });
    expect(api.queries).toContain('virtualapps?fieldSelector=metadata.name%3Dsample');
    expect(api.queries).toContain(
      'controllerrevisions?labelSelector=ctrlmesh.io%2Fvirtual-app%3Dsample',
    );
  });

  it('hands over in two steps: Revoking with both revisions, then Settled', async () => {
    const api = await startApiserver({
      virtualapps: [virtualApp({ currentRevision: 'sample-a', phase: 'Settled' })],
      controllerrevisions: [
        revision('sample-a', canaryApp().spec),
        revision('sample-b', widenedCanaryApp().spec),
      ],
      pods: [],
    });
    const { store } = follow(api.origin, { podLabels: { version: 'v2' } });
    await expect.poll(() => store.current()?.version).toBe('sample-a');
    const routing = { currentRevision: 'sample-b', previousRevision: 'sample-a' };
    await api.emit('virtualapps', 'MODIFIED', virtualApp({ ...routing, phase: 'Revoking' }, '6'));
    await expect.poll(() => store.current()?.version).toBe('sample-a..sample-b');
    expect(store.current()?.state.previous).toBeDefined();
    await api.emit('virtualapps', 'MODIFIED', virtualApp({ ...routing, phase: 'Settled' }, '7'));
    await expect.poll(() => store.current()?.version).toBe('sample-b');
    await expect
      .poll(() => api.patches.map((p) => conditionOf(p)?.reason))
      .toEqual(['Settled', 'Revoking', 'Settled']);
  });

  it('keeps the current state and says why when a revision is missing or invalid', async () => {
    const api = await startApiserver({
      virtualapps: [virtualApp({ currentRevision: 'sample-a', phase: 'Settled' })],
      controllerrevisions: [revision('sample-a', canaryApp().spec)],
      pods: [],
    });
    const { store } = follow(api.origin);
    await expect.poll(() => store.current()?.version).toBe('sample-a');
    await api.emit(
      'virtualapps',
      'MODIFIED',
      virtualApp({ currentRevision: 'sample-x', phase: 'Settled' }, '6'),
    );
    await expect
      .poll(() => conditionOf(api.patches.at(-1)))
      .toMatchObject({ status: 'False', reason: 'RevisionNotFound' });
    expect(conditionOf(api.patches.at(-1))?.message).toContain('"sample-x"');
    const invalid = { ...canaryApp().spec, subsets: [{ name: 'Not A Label', labels: {} }] };
    await api.emit('controllerrevisions', 'ADDED', revision('sample-x', invalid, '8'));
    await expect
      .poll(() => conditionOf(api.patches.at(-1)))
      .toMatchObject({ status: 'False', reason: 'RoutesInvalid' });
    expect(conditionOf(api.patches.at(-1))?.message).toContain('sample-x: data.spec.subsets');
    expect(store.current()?.version).toBe('sample-a');
  });

  it('starts from the persisted state while the apiserver is away', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cluster-state-'));
    const stateFile = join(dir, 'state.json');
    await persistSnapshot(stateFile, handoverSnapshot({}));
    // Nothing listens there.
    const server = createServer();
    const { port } = await listen(server, '127.0.0.1', 0);
    await closeServer(server);
    const { store, source } = follow(`http://127.0.0.1:${port}`, { stateFile });
    await source.ready;
    expect(store.current()?.state.phase).toBe('Revoking');
    expect(store.current()?.version).toBe(handoverSnapshot({}).version);
  });

  it('names the Ready pods of each subset as webhook peers, not itself', async () => {
    const api = await startApiserver({
      virtualapps: [virtualApp({ currentRevision: 'sample-a', phase: 'Settled' })],
      controllerrevisions: [revision('sample-a', canaryApp().spec)],
      pods: [
        pod('me', { app: 'sample', version: 'v2' }, '10.0.0.1', true),
        pod('v2-b', { app: 'sample', version: 'v2' }, '10.0.0.2', true),
        pod('v2-c', { app: 'sample', version: 'v2' }, '10.0.0.3', false),
        pod('v1-a', { app: 'sample' }, '10.0.0.4', true),
        pod('other', { app: 'other' }, '10.0.0.5', true),
      ],
    });
    const { store, source } = follow(api.origin, { webhookPort: 9443 });
    await expect.poll(() => store.current()?.version).toBe('sample-a');
    await expect.poll(() => source.peers('v2')).toEqual(['https://10.0.0.2:9443']);
    expect(source.peers('(default)')).toEqual(['https://10.0.0.4:9443']);
    await api.emit(
      'pods',
      'MODIFIED',
      pod('v2-c', { app: 'sample', version: 'v2' }, '10.0.0.3', true),
    );
    await expect
      .poll(() => source.peers('v2'))
      .toEqual(['https://10.0.0.2:9443', 'https://10.0.0.3:9443']);
    expect(source.peers(NO_SUBSET)).toEqual([]);
  });
});
