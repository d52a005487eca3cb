import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { listen } from '../server/listen.js';
import { selfSignedCertificate } from '../server/self-signed-certificate.js';
import { UpstreamMalformedError } from '../status/proxy-error.js';
import { statusFor } from '../status/status-for.js';
import { cleanupsAfterEach, closeServer } from '../test-support/cleanups.js';
import { Http1Pool, type Http1PoolOptions } from './http1-pool.js';
import { requestShortAnswer } from './short-answer.js';

const cleanups = cleanupsAfterEach();

type Route = (req: IncomingMessage, res: ServerResponse, socket: Socket) => void;

/** An apiserver stand-in that counts the connections it was given. */
const apiserver = async (route: Route) => {
  const sockets = new Set<Socket>();
  const closedSockets: Socket[] = [];
  const server = createServer((req, res) => route(req, res, req.socket));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => closedSockets.push(socket));
  });
  const { port } = await listen(server, '127.0.0.1', 0);
  cleanups.push(() => closeServer(server));
  return { origin: `http://127.0.0.1:${port}`, sockets, closedSockets };
};

const poolTo = (origin: string, options: Partial<Http1PoolOptions> = {}) => {
  const pool = new Http1Pool({
    origin,
    connections: 4,
    keepAliveTimeoutMs: 4_000,
    connectTimeoutMs: 1_000,
    tls: { rejectUnauthorized: true },
    sweepMs: 20,
    ...options,
  });
  cleanups.push(() => pool.destroy());
  return pool;
};

const get = (pool: Http1Pool, path = '/api/v1/namespaces/a/configmaps/x', headersTimeout = 5_000) =>
  requestShortAnswer(
    pool,
    {
      method: 'GET',
      path,
      headers: { accept: 'application/json' },
      body: null,
      headersTimeout,
      bodyTimeout: 5_000,
    },
    undefined,
  );

const text = (body: Uint8Array | Readable) => Buffer.from(body as Uint8Array).toString();

describe('Http1Pool', () => {
  it('sends the request head as given, with the host, and reuses its connection', async () => {
    const seen: string[] = [];
    const { origin, sockets } = await apiserver((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.host} ${req.headers.accept}`);
      res.end('{}');
    });
    const pool = poolTo(origin);
    for (let i = 0; i < 3; i++) expect(text((await get(pool)).body)).toBe('{}');
    expect(seen).toEqual(
      Array(3).fill(
        `GET /api/v1/namespaces/a/configmaps/x ${new URL(origin).host} application/json`,
      ),
    );
    expect(sockets.size).toBe(1);
  });

  it('holds requests past its connection budget until a connection is free', async () => {
    let open = 0;
    let most = 0;
    const { origin, sockets } = await apiserver((_req, res) => {
      open += 1;
      most = Math.max(most, open);
      setTimeout(() => {
        open -= 1;
        res.end('{}');
      }, 20);
    });
    const pool = poolTo(origin, { connections: 2 });
    const answers = await Promise.all(Array.from({ length: 6 }, () => get(pool)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(6).fill(200));
    expect(most).toBe(2);
    expect(sockets.size).toBe(2);
  });

  it('sends a GET again on a new connection when a reused one closes before answering', async () => {
    const served = new WeakMap<Socket, number>();
    const { origin, sockets } = await apiserver((_req, res, socket) => {
      const count = (served.get(socket) ?? 0) + 1;
      served.set(socket, count);
      // The server's idle close, racing the second request on the connection.
      if (count === 2) socket.destroy();
      else res.end(`{"n":${count}}`);
    });
    const pool = poolTo(origin);
    expect(text((await get(pool)).body)).toBe('{"n":1}');
    expect(text((await get(pool)).body)).toBe('{"n":1}');
    expect(sockets.size).toBe(2);
  });

  it('fails, rather than sends again, when a new connection closes before answering', async () => {
    let asked = 0;
    const { origin } = await apiserver((_req, _res, socket) => {
      asked += 1;
      socket.destroy();
    });
    await expect(get(poolTo(origin))).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect(asked).toBe(1);
  });

  it('does not reuse a connection the server said it closes', async () => {
    const { origin, sockets } = await apiserver((_req, res) => {
      res.setHeader('connection', 'close');
      res.end('{}');
    });
    const pool = poolTo(origin);
    await get(pool);
    await get(pool);
    expect(sockets.size).toBe(2);
  });

  it('reads an answer framed by the close to its end, then opens a new connection', async () => {
    const { origin, sockets } = await apiserver((_req, _res, socket) => {
      socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{"framed":"by close"}');
    });
    const pool = poolTo(origin);
    expect(text((await get(pool)).body)).toBe('{"framed":"by close"}');
    expect(text((await get(pool)).body)).toBe('{"framed":"by close"}');
    expect(sockets.size).toBe(2);
    expect(pool.stats).toEqual({ running: 0, pending: 0 });
  });

  it('fails an answer whose head does not come within the headers timeout', async () => {
    const { origin } = await apiserver(() => undefined);
    await expect(get(poolTo(origin), '/slow', 100)).rejects.toMatchObject({
      code: 'UND_ERR_HEADERS_TIMEOUT',
    });
  });

  it('closes a connection idle for the keep-alive timeout', async () => {
    const { origin, closedSockets } = await apiserver((_req, res) => res.end('{}'));
    const pool = poolTo(origin, { keepAliveTimeoutMs: 50 });
    await get(pool);
    await vi.waitFor(() => expect(closedSockets).toHaveLength(1), { timeout: 2_000 });
    expect(pool.stats).toEqual({ running: 0, pending: 0 });
  });

  it('fails with the connection error when the apiserver cannot be reached', async () => {
    const { origin } = await apiserver(() => undefined);
    const pool = poolTo(origin.replace(/:\d+$/, ':1'));
    const errors: unknown[] = [];
    pool.on('connectionError', (_origin, _targets, error) => errors.push(error));
    await expect(get(pool)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(errors).toHaveLength(1);
  });

  it('verifies the apiserver certificate: refused without its CA, answered with it', async () => {
    const { certPem, keyPem } = selfSignedCertificate(['127.0.0.1']);
    const server = createHttpsServer({ cert: certPem, key: keyPem }, (_req, res) => res.end('{}'));
    const { port } = await listen(server, '127.0.0.1', 0);
    cleanups.push(() => closeServer(server));
    const origin = `https://127.0.0.1:${port}`;
    await expect(get(poolTo(origin))).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    const trusted = poolTo(origin, { tls: { ca: certPem, rejectUnauthorized: true } });
    expect(text((await get(trusted)).body)).toBe('{}');
  });

  it('waits on close for the requests running and waiting, then closes its connections', async () => {
    const { origin, closedSockets } = await apiserver((_req, res) => {
      setTimeout(() => res.end('{}'), 50);
    });
    const pool = poolTo(origin, { connections: 1 });
    const answers = Promise.all([get(pool), get(pool)]);
    await vi.waitFor(() => expect(pool.stats).toEqual({ running: 1, pending: 1 }));
    await pool.close();
    expect((await answers).map((a) => a.statusCode)).toEqual([200, 200]);
    await vi.waitFor(() => expect(closedSockets).toHaveLength(1));
    await expect(get(pool)).rejects.toMatchObject({ code: 'UND_ERR_DESTROYED' });
  });

  it('fails what runs and waits when destroyed', async () => {
    const { origin } = await apiserver(() => undefined);
    const pool = poolTo(origin, { connections: 1 });
    const running = get(pool);
    const waiting = get(pool);
    await vi.waitFor(() => expect(pool.stats).toEqual({ running: 1, pending: 1 }));
    await pool.destroy();
    await expect(running).rejects.toMatchObject({ code: 'UND_ERR_DESTROYED' });
    await expect(waiting).rejects.toMatchObject({ code: 'UND_ERR_DESTROYED' });
  });

  it('gives up a connection whose answer is malformed, with an error that answers 502', async () => {
    const { origin, closedSockets } = await apiserver((_req, _res, socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: many\r\n\r\n{}');
    });
    const failure = await get(poolTo(origin)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamMalformedError);
    expect(statusFor(failure).status.code).toBe(502);
    await vi.waitFor(() => expect(closedSockets).toHaveLength(1));
  });

  it('refuses a path or header that would break the request head', async () => {
    const pool = poolTo('http://127.0.0.1:1');
    await expect(get(pool, '/api/v1/x y')).rejects.toThrow(TypeError);
    await expect(
      requestShortAnswer(
        pool,
        {
          method: 'GET',
          path: '/api',
          headers: { 'x-a': 'b\r\nx-c: d' },
          body: null,
          headersTimeout: 1,
          bodyTimeout: 1,
        },
        undefined,
      ),
    ).rejects.toThrow(TypeError);
  });

  it('refuses a request with a body: those go to undici', () => {
    const pool = poolTo('http://127.0.0.1:1');
    expect(() =>
      pool.dispatch(
        {
          method: 'POST',
          path: '/',
          headers: {},
          body: Readable.from(['{}']),
          headersTimeout: 1,
          bodyTimeout: 1,
        },
        {},
      ),
    ).toThrow(TypeError);
  });
});
