import { createServer, type Server } from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type RequestEnd, requestEnd } from '../observe/channels.js';
import { subscribeLog } from '../observe/log.js';
import { createProxyMetrics } from '../observe/metrics.js';
import type { Exchange, ResponseBody } from '../pipeline/exchange.js';
import { listen } from './listen.js';
import { serveProxy } from './serve-proxy.js';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** A stand-in for an apiserver answer that never ends. */
const stalled = () => new Readable({ read: () => undefined });

const serving = async (
  handler: (exchange: Exchange) => Promise<ResponseBody>,
  headers: Record<string, string> = {},
): Promise<string> => {
  const server = createServer();
  servers.push(server);
  serveProxy(server, async (exchange) => ({
    status: 200,
    headers: { 'content-type': 'application/json', ...headers },
    body: await handler(exchange),
  }));
  return `http://127.0.0.1:${(await listen(server, '127.0.0.1', 0)).port}`;
};

describe('serveProxy holdUpstream', () => {
  it('destroys a held answer when the controller goes before its response ends, and not before', async () => {
    const answer = stalled();
    const origin = await serving(async (exchange) => {
      exchange.holdUpstream?.(answer);
      const body = stalled();
      body.push('{"kind":"ConfigMapList","items":[');
      return body;
    });
    const gone = new AbortController();
    const response = await fetch(`${origin}/api/v1/configmaps`, { signal: gone.signal });
    await response.body!.getReader().read();
    expect(answer.destroyed).toBe(false);
    gone.abort();
    await vi.waitFor(() => expect(answer.destroyed).toBe(true), { timeout: 2_000 });
  });

  it('destroys it at once when the controller has already gone', async () => {
    const answer = stalled();
    let destroyedOnHold: boolean | undefined;
    const origin = await serving(async (exchange) => {
      await new Promise((resolve) => exchange.signal.addEventListener('abort', resolve));
      exchange.holdUpstream?.(answer);
      destroyedOnHold = answer.destroyed;
      return stalled();
    });
    const gone = new AbortController();
    const asked = fetch(`${origin}/api/v1/configmaps`, { signal: gone.signal });
    setTimeout(() => gone.abort(), 50);
    await expect(asked).rejects.toThrow();
    await vi.waitFor(() => expect(destroyedOnHold).toBe(true), { timeout: 2_000 });
  });

  it('leaves a held answer alone once the response has ended', async () => {
    const answer = stalled();
    const origin = await serving(async (exchange) => {
      exchange.holdUpstream?.(answer);
      return Readable.from(['{"kind":"ConfigMap"}']);
    });
    expect(await (await fetch(`${origin}/api/v1/namespaces/a/configmaps/x`)).text()).toBe(
      '{"kind":"ConfigMap"}',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answer.destroyed).toBe(false);
  });
});

describe('serveProxy answers', () => {
  const object = '{"kind":"ConfigMap","metadata":{"name":"x"}}';

  it('sends an answer that came back whole as it is, with its length', async () => {
    const origin = await serving(async () => Buffer.from(object), {
      'content-length': String(object.length),
    });
    const response = await fetch(`${origin}/api/v1/namespaces/a/configmaps/x`);
    expect(response.headers.get('content-length')).toBe(String(object.length));
    expect(response.headers.get('transfer-encoding')).toBeNull();
    expect(await response.text()).toBe(object);
  });

  it('cuts the connection when an answer fails while sent, and keeps serving', async () => {
    let fail = true;
    const origin = await serving(
      async () =>
        fail
          ? new Readable({
              read() {
                this.destroy(new Error('upstream reset'));
              },
            })
          : Readable.from([Buffer.from(object)]),
      { 'content-length': String(object.length) },
    );
    await expect(
      fetch(`${origin}/api/v1/namespaces/a/configmaps/x`).then((r) => r.text()),
    ).rejects.toThrow();
    fail = false;
    expect(await (await fetch(`${origin}/api/v1/namespaces/a/configmaps/x`)).text()).toBe(object);
  });

  it('streams an answer that comes as a stream as it comes, its length known or not', async () => {
    const sizes: Record<string, string>[] = [{ 'content-length': String(1 << 20) }, {}];
    for (const headers of sizes) {
      const body = stalled();
      body.push('{"kind":"ConfigMapList","items":[');
      const origin = await serving(async () => body, headers);
      const gone = new AbortController();
      const response = await fetch(`${origin}/api/v1/configmaps`, { signal: gone.signal });
      const first = await response.body!.getReader().read();
      expect(Buffer.from(first.value!).toString()).toBe('{"kind":"ConfigMapList","items":[');
      gone.abort();
    }
  });
});

describe('serveProxy answers that fail after their head', () => {
  // What the channels report about requests for `resource` (other tests' requests may still end).
  const observed = (resource: string) => {
    const ends: RequestEnd[] = [];
    const logs: Record<string, unknown>[] = [];
    const metrics = createProxyMetrics();
    const stops = [
      requestEnd.subscribe((end) => {
        if (end.resource === resource) ends.push(end);
      }),
      subscribeLog('info', (line) => {
        const record = JSON.parse(line) as Record<string, unknown>;
        if (record.resource === resource) logs.push(record);
      }),
      () => metrics.close(),
    ];
    const stop = () => {
      for (const each of stops) each();
    };
    return { ends, logs, metrics, stop };
  };

  // A list answer that sends its head and first bytes, then nothing more; counted as `resource`.
  const stalledList = async (resource: string) => {
    const body = stalled();
    body.push('{"kind":"ConfigMapList","items":[');
    const origin = await serving(async (exchange) => {
      exchange.report.resource = resource;
      return body;
    });
    return { body, origin };
  };

  it('cuts the connection, logs the cause once and counts the request as aborted, not 200 (issue 9)', async () => {
    const seen = observed('cut-lists');
    try {
      const { body, origin } = await stalledList('cut-lists');
      const response = await fetch(`${origin}/api/v1/configmaps`);
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      expect(Buffer.from((await reader.read()).value!).toString()).toBe(
        '{"kind":"ConfigMapList","items":[',
      );
      // As a list filter does when it cannot decide an item (no namespace labels).
      body.destroy(new Error('cannot read the labels of namespace "team"'));
      await expect(
        (async () => {
          while (!(await reader.read()).done);
        })(),
      ).rejects.toThrow();
      await vi.waitFor(() => expect(seen.ends).toHaveLength(1));
      expect(seen.ends[0]).toMatchObject({
        code: 200,
        failure: 'Error: cannot read the labels of namespace "team"',
      });
      expect(await seen.metrics.registry.metrics()).toContain(
        'ctrlmesh_proxy_requests_total{verb="get",resource="cut-lists",code="aborted",decision="unknown"} 1',
      );
      expect(seen.logs).toEqual([
        expect.objectContaining({
          level: 'error',
          msg: 'request',
          code: 'aborted',
          error: 'Error: cannot read the labels of namespace "team"',
        }),
      ]);
    } finally {
      seen.stop();
    }
  });

  it('counts an answer its client left under its status: leaving is not a failure', async () => {
    const seen = observed('left-lists');
    try {
      const { origin } = await stalledList('left-lists');
      const gone = new AbortController();
      const response = await fetch(`${origin}/api/v1/configmaps`, { signal: gone.signal });
      await response.body!.getReader().read();
      gone.abort();
      await vi.waitFor(() => expect(seen.ends).toHaveLength(1));
      expect(seen.ends[0]).toMatchObject({ code: 200 });
      expect(seen.ends[0]).not.toHaveProperty('failure');
      expect(seen.logs).toEqual([]);
    } finally {
      seen.stop();
    }
  });
});

describe('serveProxy in-flight requests', () => {
  it('drains a watch as long-running however its watch flag is spelled (issue 13)', async () => {
    const server = createServer();
    servers.push(server);
    const inFlight = serveProxy(server, async () => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: stalled(),
    }));
    const origin = `http://127.0.0.1:${(await listen(server, '127.0.0.1', 0)).port}`;
    for (const flag of ['watch=True', 'watch=', 'watch=1']) {
      const gone = new AbortController();
      await fetch(`${origin}/api/v1/configmaps?${flag}`, { signal: gone.signal });
      expect({ flag, long: inFlight.long.size, short: inFlight.short.size }).toEqual({
        flag,
        long: 1,
        short: 0,
      });
      gone.abort();
      await vi.waitFor(() => expect(inFlight.long.size).toBe(0));
    }
  });
});
