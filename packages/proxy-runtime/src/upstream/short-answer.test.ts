import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { Pool } from 'undici';
import { beforeEach, describe, expect, it } from 'vitest';
import { readBody } from '../http/read-body.js';
import { listen } from '../server/listen.js';
import { cleanupsAfterEach, closeServer } from '../test-support/cleanups.js';
import { Http1Pool } from './http1-pool.js';
import {
  type Destroyable,
  requestShortAnswer,
  type ShortRequestDispatcher,
  SMALL_ANSWER_BYTES,
} from './short-answer.js';

const cleanups = cleanupsAfterEach();

/** An apiserver stand-in answering with `route`, and a pool to it; `closed` settles when a response closes. */
let kind: 'undici' | 'http1' = 'undici';

const upstreamAnswering = async (route: (req: IncomingMessage, res: ServerResponse) => void) => {
  let closed: () => void = () => undefined;
  const responseClosed = new Promise<void>((resolve) => {
    closed = resolve;
  });
  const server = createServer((req, res) => {
    res.on('close', closed);
    route(req, res);
  });
  const { port } = await listen(server, '127.0.0.1', 0);
  const origin = `http://127.0.0.1:${port}`;
  const pool =
    kind === 'undici'
      ? new Pool(origin, { connections: 2 })
      : new Http1Pool({
          origin,
          connections: 2,
          keepAliveTimeoutMs: 4_000,
          connectTimeoutMs: 1_000,
          tls: { rejectUnauthorized: true },
        });
  cleanups.push(() => closeServer(server));
  cleanups.push(async () => void (await pool.destroy()));
  return { pool, responseClosed };
};

const get = (
  pool: ShortRequestDispatcher,
  hold?: (answer: Destroyable) => void,
  method: 'GET' | 'HEAD' = 'GET',
) =>
  requestShortAnswer(
    pool,
    {
      path: '/api/v1/namespaces/a/configmaps/x',
      method,
      headers: {},
      body: null,
      headersTimeout: 5_000,
      bodyTimeout: 5_000,
    },
    hold,
  );

const object = '{"kind":"ConfigMap","metadata":{"name":"x"}}';

describe.each(['undici', 'http1'] as const)('requestShortAnswer over %s', (each) => {
  beforeEach(() => {
    kind = each;
  });

  it('hands back a small answer whole, as bytes, with its status and headers', async () => {
    const { pool } = await upstreamAnswering((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': object.length });
      res.write(object.slice(0, 10));
      setTimeout(() => res.end(object.slice(10)), 20);
    });
    const answer = await get(pool);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.body).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(answer.body as Uint8Array).toString()).toBe(object);
    expect(answer.headersAfterMs).toBeGreaterThanOrEqual(0);
  });

  it('gives a chunked answer gathered whole its length in place of the chunking', async () => {
    const { pool } = await upstreamAnswering((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.write('{"kind":"Status",');
      res.end('"code":404}');
    });
    const answer = await get(pool);
    expect(answer.statusCode).toBe(404);
    expect(answer.headers['transfer-encoding']).toBeUndefined();
    expect(answer.headers['content-length']).toBe('28');
    expect(Buffer.from(answer.body as Uint8Array).toString()).toBe('{"kind":"Status","code":404}');
  });

  it('keeps the length a HEAD answer announces for the body it does not send', async () => {
    const { pool } = await upstreamAnswering((_req, res) => {
      res.writeHead(200, { 'content-length': '1234' }).end();
    });
    const answer = await get(pool, undefined, 'HEAD');
    expect(answer.headers['content-length']).toBe('1234');
    expect((answer.body as Uint8Array).length).toBe(0);
  });

  it('streams an answer past the small size from its first bytes to its end', async () => {
    const size = SMALL_ANSWER_BYTES * 3;
    const { pool } = await upstreamAnswering((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(Buffer.alloc(SMALL_ANSWER_BYTES + 1, 'a'));
      // The answer is handed on before the rest exists.
      setTimeout(() => res.end(Buffer.alloc(size - SMALL_ANSWER_BYTES - 1, 'b')), 50);
    });
    const answer = await get(pool);
    expect(answer.body).toBeInstanceOf(Readable);
    const bytes = await readBody(answer.body as Readable, size);
    expect(bytes.length).toBe(size);
    expect(bytes.subarray(size - 1).toString()).toBe('b');
  });

  it('rejects when the apiserver fails before the answer is whole', async () => {
    const { pool } = await upstreamAnswering((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"kind":');
      setTimeout(() => res.destroy(), 20);
    });
    await expect(get(pool)).rejects.toThrow();
  });

  it('fails the stream when the apiserver fails after the answer was handed on', async () => {
    const { pool } = await upstreamAnswering((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(Buffer.alloc(SMALL_ANSWER_BYTES + 1, 'a'));
      setTimeout(() => res.destroy(), 50);
    });
    const answer = await get(pool);
    await expect(readBody(answer.body as Readable, SMALL_ANSWER_BYTES * 4)).rejects.toThrow();
  });

  it('aborts the upstream request when its holder lets go before the answer', async () => {
    const { pool, responseClosed } = await upstreamAnswering((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"kind":');
    });
    let held: Destroyable | undefined;
    const asked = get(pool, (answer) => {
      held = answer;
    });
    setTimeout(() => held?.destroy(), 50);
    await expect(asked).rejects.toThrow();
    await expect(responseClosed).resolves.toBeUndefined();
  });

  it('aborts the upstream request when its holder lets go of a streamed answer', async () => {
    const { pool, responseClosed } = await upstreamAnswering((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(Buffer.alloc(SMALL_ANSWER_BYTES + 1, 'a'));
    });
    let held: Destroyable | undefined;
    const answer = await get(pool, (each) => {
      held = each;
    });
    expect(answer.body).toBeInstanceOf(Readable);
    held?.destroy();
    expect((answer.body as Readable).destroyed).toBe(true);
    await expect(responseClosed).resolves.toBeUndefined();
  });

  it('lets go of nothing once the answer is whole', async () => {
    const { pool } = await upstreamAnswering((_req, res) => {
      res.writeHead(200, { 'content-length': object.length }).end(object);
    });
    let held: Destroyable | undefined;
    const answer = await get(pool, (each) => {
      held = each;
    });
    held?.destroy();
    expect(Buffer.from(answer.body as Uint8Array).toString()).toBe(object);
    // The connection stays in the pool for the next request.
    expect(Buffer.from((await get(pool)).body as Uint8Array).toString()).toBe(object);
  });
});
