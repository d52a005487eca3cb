/**
 * Pass-through floor: what the proxy costs next to the least any proxy costs here.
 *
 * The GET target of issue #5 (p50 within 1.15x of direct) is held against a machine where the load
 * generator, the apiserver and the proxy share 2 cores. This run puts the ControllerMesh proxy beside
 * direct and three floors: `floor/bare-pass-through.mjs`, a Node.js HTTP server that forwards with
 * undici and pipes the answer back, nothing else; `floor/bytes-relay.mjs`, which relays the bytes
 * of GETs between sockets without any HTTP machinery (what the hop itself costs a Node.js
 * process); and `floor/go-reverse-proxy`, the bare pass-through in Go with the standard library's
 * httputil.ReverseProxy (issue 13). All serve HTTPS (as for in-cluster config); the bare
 * pass-through, the Go proxy and the proxy serve plain HTTP on loopback too, in a second process
 * each (the proxy's default listener). The same GET load (16 clients, or `--clients`) runs against
 * every side in rotating order (A B C ... H, B C ... H A, ...), and the CPU and peak RSS of each
 * middle process are read from /proc. The Go floor shows what a Go proxy (as the original's) pays
 * for the same work here.
 *
 * Run after `npm run build` and `npm run e2e:prepare` (the kas and go-reverse-proxy binaries):
 * `npm run -w @ctrlmesh/bench bench:floor [-- --seconds=12]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROXY_ENV, startBenchEnvironment } from './bench-environment.js';
import { type Floor, type FloorKind, startFloor } from './floor/start-floor.js';
import { summarize } from './latency.js';
import { type MiddleSide, measureMiddles, middleCpuUsPerRequest } from './middle-rounds.js';
import { writeResult } from './report.js';
import { RssSampler } from './rss-sampler.js';
import { openSide, type Side } from './side.js';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '12' },
    rounds: { type: 'string', default: '6' },
    // 1 shows each side's latency per request without queueing.
    clients: { type: 'string', default: '16' },
    // Node flags for the bare pass-through, e.g. the heap settings apps/proxy applies to itself.
    'floor-node-arg': { type: 'string', multiple: true, default: [] },
  },
});
const clients = Number(flags.clients);
const log = (line: string) => console.log(`bench: ${line}`);

const main = async () => {
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  const env = await startBenchEnvironment(
    { namespaces: 20, configMapsPerNamespace: 250, payloadBytes: 400, connections: clients },
    log,
  );
  const dir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-bench-floor-'));
  const floors: Floor[] = [];
  const floorSides: Side[] = [];
  try {
    const openFloor = async (name: Side['name'], kind: FloorKind, plain: boolean) => {
      const floor = await startFloor({
        kind,
        apiserver: env.kas.info.url,
        apiserverCaFile: env.kas.info.caFile,
        dir,
        plain,
        nodeArgs: flags['floor-node-arg'],
        // The proxy's environment: the Node.js sides' memory is read under the same malloc.
        env: PROXY_ENV,
      });
      floors.push(floor);
      const side = openSide(name, floor.origin, floor.caPem, env.kas.info.admin.token, clients);
      floorSides.push(side);
      return { side, middlePid: floor.child.pid };
    };
    const plainProxy = await env.openProxySide('proxy over HTTP', 'bench-plain', 'plain-http');
    const sides: MiddleSide[] = [
      { label: 'direct', side: env.direct, middlePid: undefined },
      { label: 'bare pass-through', ...(await openFloor('floor', 'node', false)) },
      { label: 'Go reverse proxy', ...(await openFloor('go floor', 'go', false)) },
      { label: 'ControllerMesh proxy', side: env.through, middlePid: env.proxy.pid },
      // Sockets only: what the hop itself costs, without any HTTP machinery.
      { label: 'bytes relay', ...(await openFloor('relay', 'relay', false)) },
      // The proxy's default listener (plain HTTP on loopback), and the floors served the same way.
      { label: 'bare, plain HTTP', ...(await openFloor('floor over HTTP', 'node', true)) },
      { label: 'Go, plain HTTP', ...(await openFloor('go floor over HTTP', 'go', true)) },
      { label: 'proxy, plain HTTP', side: plainProxy.side, middlePid: plainProxy.proxy.pid },
    ];
    // Sampled over the whole run; each middle process idles while the others are measured.
    const rss = sides.map((s) =>
      s.middlePid === undefined ? undefined : new RssSampler(s.middlePid),
    );
    log(
      `GET: ${clients} clients, ${flags.seconds} s per side: ${sides.map((s) => s.label).join(' / ')}`,
    );
    const totals = await measureMiddles(sides, {
      dataset: env.dataset,
      clients,
      seconds: Number(flags.seconds),
      rounds: Number(flags.rounds),
      pauseMs: 200,
    });
    const latencies = totals.map((t) => summarize(t.latencies));
    const direct = latencies[0]!;
    const figures = sides.map((s, i) => {
      const latency = latencies[i]!;
      const total = totals[i]!;
      return {
        side: s.label,
        requestsPerSecond: Math.round((total.requests / total.ms) * 1000),
        p50Ms: latency.p50,
        p99Ms: latency.p99,
        p50Ratio: latency.p50 / direct.p50,
        middleCpuUsPerRequest: middleCpuUsPerRequest(s, total),
        middleRssPeakMiB: rss[i]?.stop().start?.peakMiB,
      };
    });
    console.log('');
    console.log(
      '| side                 | req/s | p50 ms | p99 ms | p50 / direct | CPU per GET in the middle | RSS peak |',
    );
    console.log(
      '|----------------------|-------|--------|--------|--------------|---------------------------|----------|',
    );
    for (const f of figures) {
      const cpu =
        f.middleCpuUsPerRequest === undefined ? '-' : `${f.middleCpuUsPerRequest.toFixed(0)} us`;
      const peak = f.middleRssPeakMiB === undefined ? '-' : `${f.middleRssPeakMiB.toFixed(0)} MiB`;
      console.log(
        `| ${f.side.padEnd(20)} | ${String(f.requestsPerSecond).padStart(5)} | ${f.p50Ms.toFixed(2).padStart(6)} | ${f.p99Ms.toFixed(1).padStart(6)} | ${f.p50Ratio.toFixed(2).padStart(12)} | ${cpu.padStart(25)} | ${peak.padStart(8)} |`,
      );
    }
    console.log('');
    console.log(
      `machine: load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} after; client, kas and the middle process share the cores`,
    );
    const file = await writeResult('pass-through-floor', {
      startedAt,
      clients,
      secondsPerSide: Number(flags.seconds),
      figures,
    });
    log(`wrote ${file}`);
  } finally {
    for (const side of floorSides) await side.pool.close();
    for (const floor of floors) floor.child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
    await env.stop();
  }
};

await main();
