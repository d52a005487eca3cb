import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineProxyConfig } from './config.js';
import { StaticNamespaceLabels } from './namespaces/namespace-labels.js';
import { createProxy } from './proxy.js';
import { listen } from './server/listen.js';

// The quality bar: a strange URL gets a clear answer (a metav1.Status for whatever the proxy
// refuses), never a crash or a hang, and the proxy goes on serving.

const vapp = readFileSync(new URL('./routes/fixtures/canary-vapp.yaml', import.meta.url), 'utf8');

/** Sends one raw request line (no client-side normalisation) and returns the whole answer. */
const rawGet = (port: number, target: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(`GET ${target} HTTP/1.1\r\nhost: proxy\r\nconnection: close\r\n\r\n`),
    );
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });

// Path pieces Kubernetes clients send, and the ones an attacker or a bug would.
const segment = fc.oneof(
  fc.constantFrom('api', 'apis', 'v1', 'apps', 'namespaces', 'plain', 'canary-a', 'configmaps'),
  fc.constantFrom('watch', 'status', 'exec', 'proxy', '', '.', '..', '%2e%2e', '%2F', '%zz', '%'),
  fc.stringMatching(/^[!-~]{0,12}$/).filter((s) => !s.includes('?') && !s.includes('#')),
);
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?watch=true', '?watch=%', '?labelSelector=a%3D%3D%3Db', '?fieldSelector=='),
  fc.stringMatching(/^\?[!-~]{0,20}$/),
);

describe('the proxy and strange URLs', () => {
  let upstream: Server;
  let port = 0;
  const stop = new AbortController();
  let running: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        req.url?.includes('watch')
          ? ''
          : '{"kind":"ConfigMap","metadata":{"name":"x","namespace":"plain"}}',
      );
    });
    const apiserver = await listen(upstream, '127.0.0.1', 0);
    const dir = mkdtempSync(join(tmpdir(), 'proxy-urls-'));
    writeFileSync(join(dir, 'vapp.yaml'), vapp);
    const proxy = createProxy(
      defineProxyConfig({
        pod: { name: 'p', namespace: 'home', labels: { app: 'sample' } },
        upstream: { url: `http://127.0.0.1:${apiserver.port}` },
        routes: { virtualAppFile: join(dir, 'vapp.yaml') },
        listen: { port: 0 },
        admin: { port: 0 },
        shutdown: { drainTimeoutMs: 200 },
      }),
      { namespaces: new StaticNamespaceLabels({ plain: {}, 'canary-a': {} }), logSink: () => {} },
    );
    running = proxy.start(stop.signal);
    port = (await proxy.listening).proxy.port;
  });

  afterAll(async () => {
    stop.abort();
    await running;
    upstream.closeAllConnections();
    upstream.close();
  });

  it('answers every one with an HTTP status, refusals as metav1.Status, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { maxLength: 8 }), query, async (segments, q) => {
        const answer = await rawGet(port, `/${segments.join('/')}${q}`);
        const code = Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1]);
        expect(code).toBeGreaterThanOrEqual(200);
        expect(code).toBeLessThan(600);
        if (code >= 400) {
          const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
          expect(JSON.parse(body)).toMatchObject({ kind: 'Status', code });
        }
      }),
      { numRuns: 150 },
    );
    const plain = await rawGet(port, '/api/v1/namespaces/plain/configmaps/x');
    expect(plain).toMatch(/^HTTP\/1\.1 200 /);
  });
});
