import { createServer, type Server } from 'node:http';
import { createSecureServer } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import type { Clock } from '@ctrlmesh/runtime-support';
import { ManualClock } from '@ctrlmesh/runtime-support/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type LogRecord, logRecord } from '../observe/channels.js';
import { listen } from '../server/listen.js';
import { selfSignedCertificate } from '../server/self-signed-certificate.js';
import { upstreamConfig } from '../test-support/upstream-config.js';
import { createUpstream } from './upstream.js';

const servers: Server[] = [];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

// Sends headers and the start of a body, then nothing more: a quiet watch.
const quietWatchServer = async (): Promise<number> => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"type":"ADDED"}\n');
  });
  servers.push(server);
  return (await listen(server, '127.0.0.1', 0)).port;
};

const upstreamTo = (port: number, clock?: Clock) =>
  createUpstream(upstreamConfig(`http://127.0.0.1:${port}`), clock);

describe('Upstream.close', () => {
  it('closes at once when nothing runs', async () => {
    const upstream = await upstreamTo(await quietWatchServer());
    expect(await upstream.close(5_000)).toEqual({ cut: 0 });
  });

  it('cuts requests nobody reads any more in either pool once the grace is over, rather than wait for them', async () => {
    const clock = new ManualClock();
    const upstream = await upstreamTo(await quietWatchServer(), clock);
    for (const pool of [upstream.pool, upstream.longRunningPool]) {
      const response = await pool.request({ method: 'GET', path: '/watch' });
      response.body.on('error', () => undefined);
    }
    let outcome: { cut: number } | undefined;
    const closing = upstream.close(200).then((closed) => {
      outcome = closed;
    });
    // Each pool waits out its grace, and cuts nothing before it is over.
    await expect.poll(() => clock.waiting).toEqual([200, 200]);
    await clock.advance(199);
    await new Promise(setImmediate);
    expect(outcome).toBeUndefined();
    await clock.advance(1);
    await closing;
    expect(outcome).toEqual({ cut: 2 });
  });
});

describe('the protocol to the apiserver', () => {
  // Like kube-apiserver: both protocols offered over ALPN, HTTP/2 preferred. Resolves with the
  // protocol each pool's request arrived over.
  const versionsPerPool = async (http2: boolean | undefined): Promise<string[]> => {
    const { certPem, keyPem } = selfSignedCertificate(['127.0.0.1']);
    const versions: string[] = [];
    const server = createSecureServer(
      { cert: certPem, key: keyPem, allowHTTP1: true },
      (req, res) => {
        versions.push(req.httpVersion);
        res.end('{}');
      },
    );
    const { port } = await listen(server as unknown as Server, '127.0.0.1', 0);
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const upstream = await createUpstream(
      upstreamConfig(`https://127.0.0.1:${port}`, {
        caData: certPem,
        ...(http2 === undefined ? {} : { http2 }),
      }),
    );
    cleanups.push(() => upstream.close(100));
    for (const pool of [upstream.pool, upstream.longRunningPool]) {
      const response = await pool.request({ method: 'GET', path: '/api' });
      await response.body.text();
    }
    return versions;
  };

  it('stays HTTP/1.1 when the apiserver offers HTTP/2, as kube-apiserver does (issue 13)', async () => {
    expect(await versionsPerPool(undefined)).toEqual(['1.1', '1.1']);
  });

  it('takes HTTP/2 for short requests only when asked, and keeps watches on HTTP/1.1', async () => {
    expect(await versionsPerPool(true)).toEqual(['2.0', '1.1']);
  });
});

describe('an apiserver certificate the proxy does not trust', () => {
  it('is logged with its cause once, however often requests meet it (issue 9)', async () => {
    const { certPem, keyPem } = selfSignedCertificate(['127.0.0.1']);
    const server = createHttpsServer({ cert: certPem, key: keyPem }, (_req, res) => res.end('{}'));
    servers.push(server);
    const { port } = await listen(server, '127.0.0.1', 0);
    const records: LogRecord[] = [];
    cleanups.push(logRecord.subscribe((record) => records.push(record)));
    // No CA given: the system roots do not know this self-signed certificate.
    const upstream = await createUpstream(upstreamConfig(`https://127.0.0.1:${port}`));
    cleanups.push(() => upstream.close(100));
    for (const pool of [upstream.pool, upstream.longRunningPool, upstream.pool]) {
      await expect(pool.request({ method: 'GET', path: '/api' })).rejects.toMatchObject({
        code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      });
    }
    expect(records).toEqual([
      {
        level: 'error',
        msg: "the kube-apiserver's certificate is not trusted; check the upstream CA",
        upstream: `https://127.0.0.1:${port}`,
        cause: 'DEPTH_ZERO_SELF_SIGNED_CERT',
        error: 'self-signed certificate',
      },
    ]);
  });
});
