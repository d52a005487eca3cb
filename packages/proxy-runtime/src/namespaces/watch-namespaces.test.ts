import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@ctrlmesh/runtime-support/testing';
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../server/listen.js';
import { WatchedNamespaceLabels } from './watch-namespaces.js';

const ns = (name: string, rv: string, labels: Record<string, string>) => ({
  kind: 'Namespace',
  metadata: { name, resourceVersion: rv, labels },
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A pretend apiserver serving namespaces: `a` listed, `b` added on the watch, `late` on demand. */
const startApiserver = async () => {
  const auth: string[] = [];
  const state: { watcher: ServerResponse | undefined } = { watcher: undefined };
  const server = createServer((req, res) => {
    auth.push(req.headers.authorization ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/api/v1/namespaces' && url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: ns('b', '11', {}) })}\n`);
      state.watcher = res;
      return;
    }
    if (url.pathname === '/api/v1/namespaces') {
      res.end(
        JSON.stringify({
          metadata: { resourceVersion: '10' },
          items: [ns('a', '5', { 'ns-type': 'plain' })],
        }),
      );
      return;
    }
    if (url.pathname === '/api/v1/namespaces/late') {
      res.end(JSON.stringify(ns('late', '12', { 'ns-type': 'canary' })));
      return;
    }
    res.statusCode = 404;
    res.end('{}');
  });
  const address = await listen(server, '127.0.0.1', 0);
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return { origin: `http://127.0.0.1:${address.port}`, auth, state };
};

/** Runs a WatchedNamespaceLabels against `origin` until the test ends. */
const watchNamespacesAt = (origin: string, shortConnections?: number) => {
  const pool = new Pool(
    origin,
    shortConnections === undefined ? {} : { connections: shortConnections },
  );
  const watchPool = new Pool(origin);
  const dir = mkdtempSync(join(tmpdir(), 'ns-'));
  writeFileSync(join(dir, 'token'), 'proxy-token\n');
  const controller = new AbortController();
  const labels = new WatchedNamespaceLabels({ pool, watchPool, tokenFile: join(dir, 'token') });
  const running = labels.start(controller.signal);
  cleanups.push(async () => {
    controller.abort();
    await running;
    await pool.destroy();
    await watchPool.destroy();
  });
  return labels;
};

describe('WatchedNamespaceLabels', () => {
  it('lists, watches, fetches unknown namespaces and reports relabelling, with its own token', async () => {
    const { origin, auth, state } = await startApiserver();
    const labels = watchNamespacesAt(origin);

    await labels.synced;
    expect(labels.get('a')).toEqual({ 'ns-type': 'plain' });
    expect(await labels.get('late')).toEqual({ 'ns-type': 'canary' });
    expect(await labels.get('missing')).toBeUndefined();

    const changed: string[] = [];
    labels.onChange((name) => changed.push(name));
    await expect.poll(() => state.watcher !== undefined).toBe(true);
    state.watcher?.write(
      `${JSON.stringify({ type: 'MODIFIED', object: ns('a', '13', { 'ns-type': 'canary' }) })}\n`,
    );
    await expect.poll(() => changed).toEqual(['a']);
    expect(labels.get('a')).toEqual({ 'ns-type': 'canary' });
    expect(labels.get('b')).toEqual({});
    expect(new Set(auth)).toEqual(new Set(['Bearer proxy-token']));
  });

  it('reads a namespace it has not seen while its own watch is open, with a single short connection (issue 9)', async () => {
    const { origin, state } = await startApiserver();
    const labels = watchNamespacesAt(origin, 1);
    await labels.synced;
    await expect.poll(() => state.watcher !== undefined).toBe(true);
    expect(await labels.get('late')).toEqual({ 'ns-type': 'canary' });
  });
});

describe('WatchedNamespaceLabels with the apiserver down', () => {
  it('rejects a read of a namespace it has not seen with UPSTREAM_UNAVAILABLE, not an unexpected error (issue 9)', async () => {
    // A port nothing listens on: bound, then closed again.
    const server = createServer();
    const { port } = await listen(server, '127.0.0.1', 0);
    await new Promise((resolve) => server.close(resolve));
    const pool = new Pool(`http://127.0.0.1:${port}`);
    cleanups.push(() => pool.destroy());
    const dir = mkdtempSync(join(tmpdir(), 'ns-'));
    writeFileSync(join(dir, 'token'), 'proxy-token\n');
    // Not run: only the read on demand is asked for.
    const labels = new WatchedNamespaceLabels({
      pool,
      watchPool: pool,
      tokenFile: join(dir, 'token'),
    });
    await expect(labels.get('unseen')).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });
});

describe('WatchedNamespaceLabels reconnecting', () => {
  /** An apiserver that refuses every namespace list; `lists` counts the attempts. */
  const refusingApiserver = async () => {
    const attempts = { lists: 0 };
    const server = createServer((_req, res) => {
      attempts.lists++;
      res.writeHead(500).end('{}');
    });
    const { port } = await listen(server, '127.0.0.1', 0);
    cleanups.push(() => {
      server.closeAllConnections();
      server.close();
    });
    const pool = new Pool(`http://127.0.0.1:${port}`);
    cleanups.push(() => pool.destroy());
    const dir = mkdtempSync(join(tmpdir(), 'ns-'));
    writeFileSync(join(dir, 'token'), 'proxy-token\n');
    return { pool, tokenFile: join(dir, 'token'), attempts };
  };

  it('waits longer after each failure, doubling from 100 ms up to 5 s', async () => {
    const { pool, tokenFile, attempts } = await refusingApiserver();
    const clock = new ManualClock();
    const labels = new WatchedNamespaceLabels({ pool, watchPool: pool, tokenFile, clock });
    const stop = new AbortController();
    const running = labels.start(stop.signal);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 8; attempt++) {
      await expect.poll(() => clock.waiting).toHaveLength(1);
      expect(attempts.lists).toBe(attempt);
      const [wait = 0] = clock.waiting;
      waits.push(wait);
      await clock.advance(wait);
    }
    expect(waits).toEqual([100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000]);
    stop.abort();
    await running;
  });

  it('stops at once when shut down while it waits to reconnect, rather than after up to 5 s (issue 13)', async () => {
    const { pool, tokenFile } = await refusingApiserver();
    // A clock that never moves: only the shutdown can end the wait.
    const clock = new ManualClock();
    const labels = new WatchedNamespaceLabels({ pool, watchPool: pool, tokenFile, clock });
    const stop = new AbortController();
    const running = labels.start(stop.signal);
    await expect.poll(() => clock.waiting).toEqual([100]);
    stop.abort();
    await expect(running).resolves.toBeUndefined();
    expect(clock.waiting).toEqual([]);
  });
});
