import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { get as httpsGet } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { StaticNamespaceLabels } from './namespaces/namespace-labels.js';
import { createProxy } from './proxy.js';
import { listen } from './server/listen.js';
import { cleanupsAfterEach, closeServer } from './test-support/cleanups.js';
import {
  canaryVappYaml,
  launchProxy,
  proxyConfigFor,
  startProxy as startRunningProxy,
  vappFolder,
} from './test-support/running-proxy.js';

const cleanups = cleanupsAfterEach();

// A stand-in apiserver: answers every request with a watch that stays open, or a small object.
// `openWatches` counts the watches whose request is still open on its side.
const apiserver = async (port = 0) => {
  const openWatches = { count: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url?.includes('watch=true')) {
      openWatches.count++;
      res.on('close', () => openWatches.count--);
      res.write(
        `${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', namespace: 'plain', resourceVersion: '2' } } })}\n`,
      );
      return;
    }
    res.end('{"kind":"ConfigMap","metadata":{"name":"x","namespace":"plain"}}');
  });
  const address = await listen(server, '127.0.0.1', port);
  return { server, port: address.port, openWatches };
};

/**
 * A stand-in apiserver that answers with `answer`; `upstreamClosed` resolves once the (first)
 * request's response has closed on its side, which only the proxy can make happen early.
 */
const answeringApiserver = async (answer: (res: ServerResponse) => void) => {
  let released: () => void = () => undefined;
  const upstreamClosed = new Promise<void>((resolve) => {
    released = resolve;
  });
  const server = createServer((_req, res) => {
    res.on('close', released);
    answer(res);
  });
  const { port } = await listen(server, '127.0.0.1', 0);
  cleanups.push(() => closeServer(server));
  return { port, upstreamClosed };
};

// The namespaces these tests use: `plain` is this pod's, `canary-a` the canary subset's by name.
const startProxy = (upstreamPort: number) =>
  startRunningProxy(upstreamPort, { cleanups, namespaces: { plain: {}, 'canary-a': {} } });

describe('createProxy', () => {
  it('is ready with routes and reports requests in /metrics', async () => {
    const upstream = await apiserver();
    cleanups.push(() => closeServer(upstream.server));
    const { base, admin } = await startProxy(upstream.port);
    expect((await fetch(`${admin}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/api/v1/namespaces/plain/configmaps/x`)).status).toBe(200);
    expect((await fetch(`${base}/api/v1/namespaces/canary-a/configmaps/x`)).status).toBe(403);
    const metrics = await (await fetch(`${admin}/metrics`)).text();
    expect(metrics).toContain(
      'ctrlmesh_proxy_requests_total{verb="get",resource="configmaps",code="403",decision="denied"} 1',
    );
    expect(metrics).toMatch(/ctrlmesh_proxy_route_info\{version="[0-9a-f]{16}"\} 1/);
  });

  it('refuses an upgrade (exec) outside the slice before it reaches the apiserver', async () => {
    const upstream = await apiserver();
    cleanups.push(() => closeServer(upstream.server));
    const { port } = await startProxy(upstream.port);
    const socket = connect(port, '127.0.0.1');
    cleanups.push(() => void socket.destroy());
    socket.write(
      'POST /api/v1/namespaces/canary-a/pods/p/exec?command=sh HTTP/1.1\r\nhost: x\r\nconnection: Upgrade\r\nupgrade: SPDY/3.1\r\n\r\n',
    );
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk;
      });
      socket.on('end', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1.1 403 /);
    expect(answer).toContain('"reason":"Forbidden"');
  });

  it('answers 503 while the apiserver is down and recovers when it is back', async () => {
    const first = await apiserver();
    const { base } = await startProxy(first.port);
    await closeServer(first.server);
    const down = await fetch(`${base}/api/v1/namespaces/plain/configmaps/x`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ reason: 'ServiceUnavailable' });
    const again = await apiserver(first.port);
    cleanups.push(() => closeServer(again.server));
    expect((await fetch(`${base}/api/v1/namespaces/plain/configmaps/x`)).status).toBe(200);
  });

  it('ends open watches when it shuts down, and stops', async () => {
    const upstream = await apiserver();
    cleanups.push(() => closeServer(upstream.server));
    const { base, shutdown } = await startProxy(upstream.port);
    const watch = await fetch(`${base}/api/v1/configmaps?watch=true`);
    const reader = watch.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('"ADDED"');
    const started = Date.now();
    await shutdown();
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return 'ended';
      })(),
    ).resolves.toBe('ended');
  });

  it('holds a bounded amount for a client that stops reading, and releases it when it leaves', async () => {
    // A watch that sends events as fast as it may: only backpressure through the proxy stops it.
    let sent = 0;
    const { port, upstreamClosed } = await answeringApiserver((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const event = Buffer.from(
        `${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'x'.repeat(4000), namespace: 'plain', resourceVersion: '2' } } })}\n`,
      );
      const pump = () => {
        while (!res.destroyed) {
          sent += event.length;
          if (!res.write(event)) return void res.once('drain', pump);
        }
      };
      pump();
    });
    const { port: proxyPort } = await startProxy(port);
    const client = connect(proxyPort, '127.0.0.1');
    client.write('GET /api/v1/configmaps?watch=true HTTP/1.1\r\nhost: proxy\r\n\r\n');
    client.pause(); // and never reads
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const afterOneSecond = sent;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // Socket buffers on both loopback hops and the streams' high-water marks, then nothing more.
    expect(sent - afterOneSecond).toBeLessThan(1 << 20);
    expect(sent).toBeLessThan(64 << 20);
    client.destroy();
    await expect(upstreamClosed).resolves.toBeUndefined();
  });

  it('releases a stalled upstream list when its client leaves', async () => {
    const { port, upstreamClosed } = await answeringApiserver((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // The start of a list, then nothing: the apiserver is slow, not gone. Past the small size,
      // so the proxy streams what came.
      res.write('{"kind":"ConfigMapList","metadata":{"resourceVersion":"3"},"items":[');
      res.write(
        `{"metadata":{"name":"a","namespace":"plain","annotations":{"x":"${'y'.repeat(70_000)}"}}}`,
      );
    });
    const { base } = await startProxy(port);
    const gone = new AbortController();
    const list = await fetch(`${base}/api/v1/configmaps`, { signal: gone.signal });
    const reading = list.body!.getReader().read();
    gone.abort();
    await expect(reading).rejects.toThrow();
    await expect(upstreamClosed).resolves.toBeUndefined();
  });

  it('releases a stalled small answer when its client leaves before it is whole', async () => {
    const { port, upstreamClosed } = await answeringApiserver((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"kind":"ConfigMap","metadata":');
    });
    const { base } = await startProxy(port);
    const gone = new AbortController();
    const asked = fetch(`${base}/api/v1/namespaces/plain/configmaps/x`, { signal: gone.signal });
    setTimeout(() => gone.abort(), 100);
    await expect(asked).rejects.toThrow();
    await expect(upstreamClosed).resolves.toBeUndefined();
  });

  it('closes the upstream watch of a watch it ended for a route change, and stops at once', async () => {
    const upstream = await apiserver();
    cleanups.push(() => closeServer(upstream.server));
    const { base, shutdown, vappFile } = await startProxy(upstream.port);
    const watch = await fetch(`${base}/api/v1/configmaps?watch=true`);
    const reader = watch.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('"ADDED"');
    expect(upstream.openWatches.count).toBe(1);
    // The canary takes `plain`, which this (default) pod's watch reads: it ends with 410 so the
    // client re-lists.
    writeFileSync(vappFile, canaryVappYaml.replace('^canary-', '^(canary-|plain$)'));
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += new TextDecoder().decode(chunk.value);
    expect(rest).toContain('"code":410');
    // The stand-in never sends another event: only the proxy can close its side.
    await vi.waitFor(() => expect(upstream.openWatches.count).toBe(0), { timeout: 2_000 });
    const started = Date.now();
    await shutdown();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('keeps a watch open across a route change that shows it the same objects', async () => {
    const upstream = await apiserver();
    cleanups.push(() => closeServer(upstream.server));
    const { base, admin, vappFile } = await startProxy(upstream.port);
    const routeInfo = async () =>
      /ctrlmesh_proxy_route_info\{version="([^"]+)"\} 1/.exec(
        await (await fetch(`${admin}/metrics`)).text(),
      )?.[1];
    const before = await routeInfo();
    const watch = await fetch(`${base}/api/v1/configmaps?watch=true`);
    const reader = watch.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('"ADDED"');
    // A wider canary that moves none of the namespaces this proxy knows (`plain`, `canary-a`).
    writeFileSync(vappFile, canaryVappYaml.replace('^canary-', '^canary'));
    await vi.waitFor(async () => expect(await routeInfo()).not.toBe(before), { timeout: 5_000 });
    expect(upstream.openWatches.count).toBe(1);
    const pending = await Promise.race([
      reader.read().then(() => 'read'),
      new Promise((resolve) => setImmediate(() => resolve('open'))),
    ]);
    expect(pending).toBe('open');
    await reader.cancel();
  });
});

describe('createProxy without namespace labels', () => {
  it('is not ready, and cuts a LIST across namespaces rather than answering it short with 200 (issue 9)', async () => {
    const { port } = await answeringApiserver((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        '{"kind":"ConfigMapList","metadata":{"resourceVersion":"3"},"items":[{"metadata":{"name":"x","namespace":"plain"}}]}',
      );
    });
    const logs: Record<string, unknown>[] = [];
    // Neither a token file of its own nor namespace labels handed in.
    const proxy = createProxy(proxyConfigFor(port, vappFolder().vappFile), {
      logSink: (line) => logs.push(JSON.parse(line)),
    });
    const stop = new AbortController();
    const running = proxy.start(stop.signal);
    cleanups.push(async () => {
      stop.abort();
      await running;
    });
    const addresses = await proxy.listening;
    const admin = `http://127.0.0.1:${addresses.admin.port}`;
    const readyz = await fetch(`${admin}/readyz`);
    expect(readyz.status).toBe(503);
    expect(await readyz.text()).toBe(
      'not ready: namespace labels unavailable: no token file of its own (--token-file)',
    );
    await expect(
      fetch(`http://127.0.0.1:${addresses.proxy.port}/api/v1/configmaps`).then((r) => r.text()),
    ).rejects.toThrow();
    await vi.waitFor(() =>
      expect(logs).toContainEqual(
        expect.objectContaining({ level: 'error', msg: 'request', code: 'aborted' }),
      ),
    );
    const metrics = await (await fetch(`${admin}/metrics`)).text();
    expect(metrics).toContain(
      'ctrlmesh_proxy_requests_total{verb="list",resource="configmaps",code="aborted",decision="filtered"} 1',
    );
    expect(metrics).not.toMatch(/ctrlmesh_proxy_requests_total\{[^}]*code="200"/);
  });
});

describe('createProxy start errors', () => {
  // File pollers (watchFile) this process has running.
  const pollers = () =>
    process.getActiveResourcesInfo().filter((resource) => resource === 'StatWatcher').length;

  it.each([
    {
      what: 'its certificate cannot be read',
      tls: { mode: 'files', certFile: 'missing/tls.crt', keyFile: 'missing/tls.key' },
      error: /cannot read the serving certificate: ENOENT/,
    },
    {
      what: 'its CA cannot be written out',
      tls: { mode: 'self-signed', caOutFile: 'missing/ca.crt' },
      error: /cannot write the serving certificate's CA to .*missing\/ca.crt: ENOENT/,
    },
  ] as const)('fails at once when $what, leaving nothing running (issue 9)', async (example) => {
    let requests = 0;
    const upstream = createServer((_req, res) => {
      requests++;
      res.writeHead(500).end();
    });
    const { port } = await listen(upstream, '127.0.0.1', 0);
    cleanups.push(() => closeServer(upstream));
    const { dir, vappFile } = vappFolder();
    writeFileSync(join(dir, 'token'), 'proxy-token');
    const tls =
      example.tls.mode === 'files'
        ? {
            ...example.tls,
            certFile: join(dir, example.tls.certFile),
            keyFile: join(dir, example.tls.keyFile),
          }
        : { ...example.tls, caOutFile: join(dir, example.tls.caOutFile) };
    const proxy = createProxy(
      proxyConfigFor(port, vappFile, {
        // A token of its own: the proxy would watch namespace labels with it.
        credentials: { tokenFile: join(dir, 'token') },
        listen: { port: 0, tls },
      }),
      { logSink: () => undefined },
    );
    const before = pollers();
    await expect(proxy.start(new AbortController().signal)).rejects.toThrow(example.error);
    await expect(proxy.listening).rejects.toThrow(example.error);
    // Neither the VirtualApp file's poller nor the namespace watch outlives the failed start.
    expect(pollers()).toBe(before);
    expect(requests).toBe(0);
  });

  it('stops the parts it started when its port is taken, and names the part that failed (issue 13)', async () => {
    const upstream = await apiserver();
    cleanups.push(() => closeServer(upstream.server));
    const taken = createServer();
    const { port: takenPort } = await listen(taken, '127.0.0.1', 0);
    cleanups.push(() => closeServer(taken));
    const logs: Record<string, unknown>[] = [];
    const proxy = createProxy(
      proxyConfigFor(upstream.port, vappFolder().vappFile, {
        listen: { host: '127.0.0.1', port: takenPort },
      }),
      {
        namespaces: new StaticNamespaceLabels({ plain: {} }),
        logSink: (line) => logs.push(JSON.parse(line)),
      },
    );
    const before = pollers();
    await expect(proxy.start(new AbortController().signal)).rejects.toMatchObject({
      name: 'RunnableError',
      runnable: 'proxy-server',
      phase: 'start',
      message: expect.stringContaining('EADDRINUSE'),
    });
    await expect(proxy.listening).rejects.toThrow(/EADDRINUSE/);
    // The routes were loaded and their file polled before the port was tried: polled no more.
    expect(proxy.routes.current()).toBeDefined();
    expect(pollers()).toBe(before);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'error', part: 'proxy-server', phase: 'start' }),
    );
  });

  it('refuses cluster mode without a token of its own, or together with a VirtualApp file', async () => {
    const upstream = await apiserver();
    cleanups.push(() => closeServer(upstream.server));
    const { dir, vappFile } = vappFolder();
    writeFileSync(join(dir, 'token'), 'proxy-token');
    const cases = [
      {
        routes: { virtualAppName: 'sample' },
        error: /routes\.virtualAppName needs the proxy's own token/,
      },
      {
        routes: { virtualAppName: 'sample', virtualAppFile: vappFile },
        credentials: { tokenFile: join(dir, 'token') },
        error: /routes\.virtualAppName and routes\.virtualAppFile exclude each other/,
      },
    ];
    for (const { error, ...more } of cases) {
      const proxy = createProxy(proxyConfigFor(upstream.port, vappFile, more), {
        logSink: () => undefined,
      });
      await expect(proxy.start(new AbortController().signal)).rejects.toThrow(error);
      await expect(proxy.listening).rejects.toThrow(error);
    }
  });
});

describe('createProxy with a kept self-signed certificate', () => {
  // A controller reads its ca.crt once, at start: a proxy restarted beside it must serve the same CA.
  const startKeeping = async (upstreamPort: number, dir: string, logs: string[]) => {
    const config = proxyConfigFor(upstreamPort, vappFolder().vappFile, {
      listen: {
        port: 0,
        tls: {
          mode: 'self-signed',
          caOutFile: join(dir, 'ca.crt'),
          stateFile: join(dir, 'state', 'serving.pem'),
        },
      },
      shutdown: { drainTimeoutMs: 500 },
    });
    const { shutdown, addresses } = await launchProxy(
      config,
      {
        namespaces: new StaticNamespaceLabels({ plain: {} }),
        logSink: (line) => logs.push(line),
      },
      cleanups,
    );
    return { port: addresses.proxy.port, shutdown };
  };

  // One request on a new connection, trusting only `ca`: its status, or the TLS error's code.
  const getWith = (ca: string, port: number) =>
    new Promise<number | string | undefined>((resolve) => {
      httpsGet(
        {
          host: '127.0.0.1',
          port,
          path: '/api/v1/namespaces/plain/configmaps/x',
          ca,
          agent: false,
        },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      ).on('error', (error: NodeJS.ErrnoException) => resolve(error.code));
    });

  it('serves the CA its client loaded once again after a restart, and not once the kept file is gone', async () => {
    const upstream = await apiserver();
    cleanups.push(() => closeServer(upstream.server));
    const dir = mkdtempSync(join(tmpdir(), 'kept-serving-'));
    mkdirSync(join(dir, 'state'));
    const logs: string[] = [];

    const first = await startKeeping(upstream.port, dir, logs);
    const ca = readFileSync(join(dir, 'ca.crt'), 'utf8');
    expect(await getWith(ca, first.port)).toBe(200);
    await first.shutdown();

    const restarted = await startKeeping(upstream.port, dir, logs);
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe(ca);
    expect(await getWith(ca, restarted.port)).toBe(200);
    await restarted.shutdown();

    rmSync(join(dir, 'state', 'serving.pem'));
    const renewed = await startKeeping(upstream.port, dir, logs);
    expect(await getWith(ca, renewed.port)).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');

    const said = logs
      .map((line) => JSON.parse(line))
      .filter((record) => /serving( the kept)? certificate/.test(record.msg))
      .map(({ msg, reason }) => ({ msg, reason }));
    expect(said).toEqual([
      { msg: 'made a new serving certificate', reason: 'no certificate kept yet' },
      { msg: 'serving the kept certificate', reason: undefined },
      { msg: 'made a new serving certificate', reason: 'no certificate kept yet' },
    ]);
  });
});
