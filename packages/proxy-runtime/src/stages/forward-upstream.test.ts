import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import type { Dispatcher, Pool } from 'undici';
import { describe, expect, it } from 'vitest';
import { upstreamResponse } from '../observe/channels.js';
import { listen } from '../server/listen.js';
import { selfSignedCertificate } from '../server/self-signed-certificate.js';
import { serveProxy } from '../server/serve-proxy.js';
import { cleanupsAfterEach, closeServer } from '../test-support/cleanups.js';
import { anExchange } from '../test-support/exchanges.js';
import { upstreamConfig } from '../test-support/upstream-config.js';
import { createUpstream, type Upstream } from '../upstream/upstream.js';
import { forwardUpstream } from './forward-upstream.js';

type Route = (req: IncomingMessage, res: ServerResponse) => void;

const cleanups = cleanupsAfterEach();

const startApiserver = async (route: Route): Promise<AddressInfo> => {
  const server = createServer(route);
  server.on('upgrade', (_req, socket) => {
    cleanups.push(() => void socket.destroy());
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: SPDY/3.1\r\n\r\n',
    );
    socket.on('data', (chunk) => socket.write(Buffer.concat([Buffer.from('echo:'), chunk])));
  });
  const address = await listen(server, '127.0.0.1', 0);
  cleanups.push(() => closeServer(server));
  return address;
};

const startProxy = async (
  apiserver: AddressInfo,
  bodyTimeoutMs = 60_000,
  longRunningConnections = 4,
): Promise<string> => {
  const upstream: Upstream = await createUpstream(
    upstreamConfig(`http://127.0.0.1:${apiserver.port}`, { longRunningConnections, bodyTimeoutMs }),
  );
  const server = createServer();
  serveProxy(server, forwardUpstream(upstream));
  const address = await listen(server, '127.0.0.1', 0);
  cleanups.push(async () => void (await upstream.close(1_000)));
  cleanups.push(() => closeServer(server));
  return `http://127.0.0.1:${address.port}`;
};

// A pool that answers every request 200 with an empty body, through either API, after `seen`.
const answeringPool = (seen: (options: Dispatcher.DispatchOptions) => void): Pool =>
  ({
    request: async (options: Dispatcher.RequestOptions) => {
      seen(options);
      return { statusCode: 200, headers: {}, body: Readable.from([]) };
    },
    dispatch: (options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) => {
      seen(options);
      const controller = {} as Dispatcher.DispatchController;
      handler.onRequestStart?.(controller, {});
      handler.onResponseStart?.(controller, 200, {});
      handler.onResponseEnd?.(controller, {});
      return true;
    },
  }) as unknown as Pool;

describe('forwardUpstream', () => {
  it("forwards the client's own credentials and strips hop-by-hop headers", async () => {
    let seen: IncomingMessage['headers'] = {};
    const apiserver = await startApiserver((req, res) => {
      seen = req.headers;
      res.setHeader('content-type', 'application/json');
      res.end('{"kind":"ConfigMap"}');
    });
    const proxy = await startProxy(apiserver);
    // node:http, not fetch: fetch refuses to send a Connection header.
    const { status, body } = await new Promise<{ status: number; body: string }>(
      (resolve, reject) => {
        const req = request(`${proxy}/api/v1/namespaces/a/configmaps/x?pretty=1`, {
          headers: {
            authorization: 'Bearer controller-token',
            'x-custom': 'dropped',
            connection: 'x-custom',
          },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.end();
      },
    );
    expect(status).toBe(200);
    expect(body).toBe('{"kind":"ConfigMap"}');
    expect(seen.authorization).toBe('Bearer controller-token');
    expect(seen['x-custom']).toBeUndefined();
  });

  it('forwards request bodies and the path with its query unchanged', async () => {
    let got = '';
    let url = '';
    const apiserver = await startApiserver((req, res) => {
      url = req.url ?? '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => {
        got += chunk;
      });
      req.on('end', () => {
        res.statusCode = 201;
        res.end('{}');
      });
    });
    const proxy = await startProxy(apiserver);
    const response = await fetch(`${proxy}/api/v1/namespaces/a/configmaps?fieldManager=x%2Fy`, {
      method: 'POST',
      body: '{"metadata":{"name":"b"}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(201);
    expect(got).toBe('{"metadata":{"name":"b"}}');
    expect(url).toBe('/api/v1/namespaces/a/configmaps?fieldManager=x%2Fy');
  });

  it('keeps a quiet watch open past the body timeout that ends a quiet short answer with 504', {
    timeout: 15_000,
  }, async () => {
    // undici checks body timeouts on a coarse timer: the gap is well past it, so the short answer
    // below is cut for sure, and the watch staying whole means something.
    const apiserver = await startApiserver((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"ADDED","object":{}}\n');
      setTimeout(() => res.end('{"type":"MODIFIED","object":{}}\n'), 3_000);
    });
    const proxy = await startProxy(apiserver, 1_000);
    const [watch, short] = await Promise.all([
      fetch(`${proxy}/api/v1/configmaps?watch=true`).then((response) => response.text()),
      // Not whole by then, so not sent yet: the controller gets a Status it can retry on.
      fetch(`${proxy}/api/v1/configmaps`).then((response) => response.status),
    ]);
    expect(watch).toBe('{"type":"ADDED","object":{}}\n{"type":"MODIFIED","object":{}}\n');
    expect(short).toBe(504);
  });

  it('sends a watch over the long-running pool without body timeout however its watch flag is spelled (issue 13)', async () => {
    const sent: { pool: string; bodyTimeout: number | null | undefined }[] = [];
    const poolNamed = (pool: string) =>
      answeringPool((options) => sent.push({ pool, bodyTimeout: options.bodyTimeout }));
    const forward = forwardUpstream({
      pool: poolNamed('short'),
      bodilessPool: poolNamed('short'),
      longRunningPool: poolNamed('long'),
      timeouts: { headersMs: 1_000, bodyMs: 60_000 },
    });
    // The apiserver reads any value but `0` and `false` (in any case) as true, an empty one too.
    for (const flag of ['watch=True', 'watch=', 'watch', 'watch=false']) {
      await forward(anExchange('GET', `/api/v1/configmaps?${flag}`));
    }
    expect(sent).toEqual([
      { pool: 'long', bodyTimeout: 0 },
      { pool: 'long', bodyTimeout: 0 },
      { pool: 'long', bodyTimeout: 0 },
      { pool: 'short', bodyTimeout: 60_000 },
    ]);
  });

  it('records a request the proxy makes of its own under its own verb (issue 13)', async () => {
    const pool = answeringPool(() => undefined);
    const forward = forwardUpstream({
      pool,
      bodilessPool: pool,
      longRunningPool: pool,
      timeouts: { headersMs: 1_000, bodyMs: 60_000 },
    });
    const verbs: string[] = [];
    const unsubscribe = upstreamResponse.subscribe((m) => verbs.push(m.verb));
    try {
      // check-object reads the object before an update, through the update's exchange.
      const update = anExchange('PUT', '/api/v1/namespaces/a/configmaps/x');
      update.report.verb = 'update';
      const read = anExchange('GET', '/api/v1/namespaces/a/configmaps/x');
      await forward({ ...update, request: read.request });
      await forward(update);
    } finally {
      unsubscribe();
    }
    expect(verbs).toEqual(['get', 'update']);
  });

  it('answers a GET while watches hold more connections than the short budget has (issue 9)', async () => {
    let openWatches = 0;
    const apiserver = await startApiserver((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url?.includes('watch=true')) {
        openWatches++;
        res.write('{"type":"ADDED","object":{}}\n');
        return;
      }
      res.end('{"kind":"ConfigMap"}');
    });
    const proxy = await startProxy(apiserver, 60_000, 8);
    const leaving = new AbortController();
    cleanups.push(() => leaving.abort());
    // Eight watches, twice the four short connections: with one shared pool the GET would queue.
    const watches = await Promise.all(
      Array.from({ length: 8 }, () =>
        fetch(`${proxy}/api/v1/configmaps?watch=true`, { signal: leaving.signal }),
      ),
    );
    expect(watches.map((watch) => watch.status)).toEqual(Array(8).fill(200));
    expect(openWatches).toBe(8);
    const answer = await fetch(`${proxy}/api/v1/namespaces/a/configmaps/x`, {
      signal: AbortSignal.timeout(5_000),
    });
    expect(await answer.text()).toBe('{"kind":"ConfigMap"}');
  });

  it('releases the upstream request of a client that left before the answer came', async () => {
    let released: () => void = () => undefined;
    const upstreamClosed = new Promise<void>((resolve) => {
      released = resolve;
    });
    const apiserver = await startApiserver((_req, res) => {
      res.on('close', released);
      // Headers after the client has gone, then a body that never ends.
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"kind":"ConfigMap"');
      }, 200);
    });
    const proxy = await startProxy(apiserver);
    const gone = new AbortController();
    const asked = fetch(`${proxy}/api/v1/namespaces/a/configmaps/x`, { signal: gone.signal });
    setTimeout(() => gone.abort(), 50);
    await expect(asked).rejects.toThrow();
    await expect(upstreamClosed).resolves.toBeUndefined();
  });

  it('answers 503 ServiceUnavailable as a metav1.Status when the apiserver is down', async () => {
    const apiserver = await startApiserver(() => undefined);
    const proxy = await startProxy({ ...apiserver, port: 1 });
    const response = await fetch(`${proxy}/api/v1/pods`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({
      kind: 'Status',
      code: 503,
      reason: 'ServiceUnavailable',
    });
  });

  it('answers 503 naming the cause when the apiserver certificate is not trusted (issue 9)', async () => {
    // A certificate for another host, signed by a CA the upstream was told to trust.
    const { certPem, keyPem } = selfSignedCertificate(['apiserver.example']);
    const apiserver = createHttpsServer({ cert: certPem, key: keyPem }, (_req, res) =>
      res.end('{}'),
    );
    const { port } = await listen(apiserver, '127.0.0.1', 0);
    cleanups.push(() => closeServer(apiserver));
    const upstream = await createUpstream(
      upstreamConfig(`https://127.0.0.1:${port}`, { caData: certPem, bodyTimeoutMs: 2000 }),
    );
    cleanups.push(async () => void (await upstream.close(100)));
    const front = createServer();
    serveProxy(front, forwardUpstream(upstream));
    const address = await listen(front, '127.0.0.1', 0);
    cleanups.push(() => closeServer(front));
    const response = await fetch(`http://127.0.0.1:${address.port}/api/v1/namespaces/a/pods`);
    expect(response.status).toBe(503);
    const status = (await response.json()) as { reason: string; message: string };
    expect(status.reason).toBe('ServiceUnavailable');
    expect(status.message).toContain(
      "ctrlmesh-proxy does not trust the kube-apiserver's certificate (ERR_TLS_CERT_ALTNAME_INVALID:",
    );
  });

  it('passes HTTP/1.1 upgrades through as a spliced socket', async () => {
    const apiserver = await startApiserver(() => undefined);
    const proxy = new URL(await startProxy(apiserver));
    const socket = connect(Number(proxy.port), '127.0.0.1');
    cleanups.push(() => void socket.destroy());
    socket.write(
      'POST /api/v1/namespaces/a/pods/p/exec?command=ls HTTP/1.1\r\nhost: x\r\nconnection: Upgrade\r\nupgrade: SPDY/3.1\r\n\r\n',
    );
    let received = '';
    await new Promise<void>((resolve) => {
      socket.on('data', (chunk) => {
        received += chunk.toString();
        if (received.includes('\r\n\r\n') && !received.includes('echo:')) socket.write('ping');
        if (received.includes('echo:ping')) resolve();
      });
    });
    expect(received).toMatch(/^HTTP\/1.1 101 Switching Protocols\r\n/);
    expect(received.toLowerCase()).toContain('upgrade: spdy/3.1');
  });
});
