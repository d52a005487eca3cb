import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { describe, expect, it } from 'vitest';
import { type LogRecord, logRecord } from '../observe/channels.js';
import { listen } from '../server/listen.js';
import { cleanupsAfterEach, closeServer } from '../test-support/cleanups.js';
import { canarySnapshot } from '../test-support/exchanges.js';
import { aFaultInjection, aTrafficPolicy } from '../test-support/policies.js';
import { ClusterPolicies } from './cluster-policies.js';
import { identityOf, PolicyStore } from './policy-store.js';

const cleanups = cleanupsAfterEach();
const NS = 'ctrlmesh-system';
type Plural = 'trafficpolicies' | 'faultinjections';

// As the apiserver serves them: with a resourceVersion and a status, and no kind in list items.
const served = (policy: { metadata: object }, rv = '1') => {
  const { kind: _kind, ...rest } = policy as { kind: string; metadata: object };
  return { ...rest, metadata: { ...policy.metadata, resourceVersion: rv }, status: { rules: [] } };
};

/** A pretend apiserver holding policies: lists them, keeps watches open for `emit`. */
const startApiserver = async (held: Record<Plural, unknown[]>) => {
  const watchers = new Map<Plural, ServerResponse>();
  const paths: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    paths.push(`${url.pathname} ${req.headers.authorization}`);
    const plural = url.pathname.split('/').pop() as Plural;
    if (url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'application/json' });
      watchers.set(plural, res);
      return;
    }
    res.end(JSON.stringify({ metadata: { resourceVersion: '5' }, items: held[plural] ?? [] }));
  });
  const { port } = await listen(server, '127.0.0.1', 0);
  cleanups.push(() => closeServer(server));
  const emit = async (plural: Plural, type: string, object: unknown) => {
    await expect.poll(() => watchers.has(plural)).toBe(true);
    watchers.get(plural)?.write(`${JSON.stringify({ type, object })}\n`);
  };
  return { origin: `http://127.0.0.1:${port}`, emit, paths };
};

const follow = (origin: string) => {
  const pool = new Pool(origin);
  const dir = mkdtempSync(join(tmpdir(), 'cluster-policies-'));
  writeFileSync(join(dir, 'token'), 'proxy-token\n');
  const store = new PolicyStore();
  store.setIdentity(identityOf(canarySnapshot({ app: 'sample' }), NS));
  const source = new ClusterPolicies(store, {
    pool,
    watchPool: pool,
    tokenFile: join(dir, 'token'),
    namespace: NS,
  });
  const stop = new AbortController();
  const running = source.start(stop.signal);
  cleanups.push(async () => {
    stop.abort();
    await running;
    await pool.destroy();
  });
  return store;
};

const limit = (qps: number) => aTrafficPolicy('protect', { rateLimits: [{ name: 'all', qps }] });
const KEY = 'TrafficPolicy/ctrlmesh-system/protect/all';

describe('ClusterPolicies', () => {
  it("follows both kinds in the pod's namespace with its own token, as they change", async () => {
    const api = await startApiserver({
      trafficpolicies: [served(limit(1))],
      faultinjections: [],
    });
    const store = follow(api.origin);
    await expect.poll(() => store.current().limiters.has(KEY)).toBe(true);
    expect(api.paths).toContain(
      `/apis/ctrlmesh.io/v1alpha1/namespaces/${NS}/trafficpolicies Bearer proxy-token`,
    );
    const chaos = aFaultInjection('chaos', [{ name: 'c', probability: 1, abort: { code: 409 } }]);
    await api.emit('faultinjections', 'ADDED', served(chaos, '6'));
    await expect.poll(() => store.current().injectors.size).toBe(1);
    await api.emit('trafficpolicies', 'DELETED', served(limit(1), '7'));
    await expect.poll(() => store.current().limiters.size).toBe(0);
    expect(store.current().injectors.size).toBe(1);
  });

  it('keeps the last good version of a policy that turns invalid, and says why', async () => {
    const logs: LogRecord[] = [];
    cleanups.push(logRecord.subscribe((record) => logs.push(record)));
    const api = await startApiserver({ trafficpolicies: [served(limit(1))], faultinjections: [] });
    const store = follow(api.origin);
    await expect.poll(() => store.current().limiters.has(KEY)).toBe(true);
    const limiter = store.current().limiters.get(KEY);
    await api.emit('trafficpolicies', 'MODIFIED', served(limit(-1), '6'));
    await expect
      .poll(() => logs.some((r) => r.msg.startsWith('TrafficPolicy rejected')))
      .toBe(true);
    expect(store.current().limiters.get(KEY)).toBe(limiter);
    const rejected = logs.find((r) => r.msg.startsWith('TrafficPolicy rejected'));
    expect(rejected).toMatchObject({ policy: `${NS}/protect` });
    expect(String(rejected?.problems)).toContain('spec.rateLimits[0].qps');
  });
});
