/**
 * Pass-through floor: what the proxy costs next to the least any Node.js proxy costs here.
 *
 * The GET target of issue #5 (p50 within 1.15x of direct) is held against a machine where the load
 * generator, the apiserver and the proxy share 2 cores. This run puts the ControllerMesh proxy beside
 * direct and `floor/bare-pass-through.mjs`, a Node.js server that forwards with undici and pipes the
 * answer back, nothing else; both serve HTTPS (as for in-cluster config) and, in a second process
 * each, plain HTTP on loopback (the proxy's default listener). The same GET load (16 clients, or
 * `--clients`) runs against every side in rotating order (A B C D E, B C D E A, ...), and the CPU
 * and peak RSS of each middle process are read from /proc. The floor's figures are what no Node.js proxy can beat on
 * this machine; the gap between the floor and the proxy is ours.
 *
 * Run after `npm run build`: `npm run -w @ctrlmesh/bench bench:floor [-- --seconds=12]`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { issueWebhookCertificate } from '../support/webhook-certificate.js';
import { PROXY_ENV, startBenchEnvironment } from './bench-environment.js';
import { summarize } from './latency.js';
import { cpuMs } from './process-cpu.js';
import { writeResult } from './report.js';
import { RssSampler } from './rss-sampler.js';
import { getRound } from './scenarios/get-object.js';
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

/** Starts the bare pass-through in front of kas, over HTTPS or plain HTTP; resolves once it listens. */
const startFloor = async (
  apiserver: string,
  apiserverCaFile: string,
  dir: string,
  plain: boolean,
): Promise<{ child: ChildProcess; origin: string; caPem: string | undefined }> => {
  const certificate = plain ? undefined : await issueWebhookCertificate(dir, ['127.0.0.1']);
  const portFile = path.join(dir, plain ? 'floor-plain.port' : 'floor.port');
  const child = spawn(
    process.execPath,
    [
      ...flags['floor-node-arg'],
      path.join(import.meta.dirname, 'floor/bare-pass-through.mjs'),
      apiserver,
      apiserverCaFile,
      portFile,
      ...(plain ? [] : [path.join(dir, 'tls.crt'), path.join(dir, 'tls.key')]),
    ],
    // The proxy's recommended environment, so both sides' memory is read under the same malloc.
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...PROXY_ENV } },
  );
  const deadline = Date.now() + 10_000;
  while (!existsSync(portFile)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the bare pass-through did not start');
    }
    await sleep(50);
  }
  return {
    child,
    origin: `${plain ? 'http' : 'https'}://127.0.0.1:${readFileSync(portFile, 'utf8')}`,
    caPem: certificate?.caPem,
  };
};

interface SideTotals {
  /** How the report names it. */
  readonly label: string;
  readonly side: Side;
  /** The process between client and apiserver, whose CPU and memory are read; none for direct. */
  readonly middlePid: number | undefined;
  readonly rss: RssSampler | undefined;
  latencies: number[];
  requests: number;
  ms: number;
  cpuMs: number;
}

const main = async () => {
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  const env = await startBenchEnvironment(
    { namespaces: 20, configMapsPerNamespace: 250, payloadBytes: 400, connections: clients },
    log,
  );
  const dir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-bench-floor-'));
  const floors: Awaited<ReturnType<typeof startFloor>>[] = [];
  const floorSides: Side[] = [];
  try {
    const openFloor = async (name: Side['name'], plain: boolean) => {
      const floor = await startFloor(env.kas.info.url, env.kas.info.caFile, dir, plain);
      floors.push(floor);
      const side = openSide(name, floor.origin, floor.caPem, env.kas.info.admin.token, clients);
      floorSides.push(side);
      return { side, middlePid: floor.child.pid };
    };
    const plainProxy = await env.openProxySide('proxy over HTTP', 'bench-plain', 'plain-http');
    const sides: SideTotals[] = [
      { label: 'direct', side: env.direct, middlePid: undefined },
      { label: 'bare pass-through', ...(await openFloor('floor', false)) },
      { label: 'ControllerMesh proxy', side: env.through, middlePid: env.proxy.pid },
      // The proxy's default listener (plain HTTP on loopback), and the floor served the same way.
      { label: 'bare, plain HTTP', ...(await openFloor('floor over HTTP', true)) },
      { label: 'proxy, plain HTTP', side: plainProxy.side, middlePid: plainProxy.proxy.pid },
    ].map((s) => ({
      ...s,
      rss: s.middlePid === undefined ? undefined : new RssSampler(s.middlePid),
      latencies: [],
      requests: 0,
      ms: 0,
      cpuMs: 0,
    }));
    const rounds = Number(flags.rounds);
    const roundMs = (Number(flags.seconds) * 1000) / rounds;
    log(
      `GET: ${clients} clients, ${flags.seconds} s per side: ${sides.map((s) => s.label).join(' / ')}`,
    );
    for (const s of sides) await getRound(s.side, env.dataset, clients, 1_000, undefined);
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < sides.length; i++) {
        const s = sides[(round + i) % sides.length]!;
        const cpuBefore = s.middlePid === undefined ? 0 : cpuMs(s.middlePid);
        const result = await getRound(s.side, env.dataset, clients, roundMs, s.latencies);
        if (s.middlePid !== undefined) s.cpuMs += cpuMs(s.middlePid) - cpuBefore;
        s.requests += result.requests;
        s.ms += result.ms;
        await sleep(200);
      }
    }
    const latencies = sides.map((s) => summarize(s.latencies));
    const direct = latencies[0]!;
    const figures = sides.map((s, i) => {
      const latency = latencies[i]!;
      return {
        side: s.label,
        requestsPerSecond: Math.round((s.requests / s.ms) * 1000),
        p50Ms: latency.p50,
        p99Ms: latency.p99,
        p50Ratio: latency.p50 / direct.p50,
        middleCpuUsPerRequest:
          s.middlePid === undefined ? undefined : (s.cpuMs * 1000) / s.requests,
        // Sampled over the whole run; each middle process idles while the others are measured.
        middleRssPeakMiB: s.rss?.stop().start?.peakMiB,
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
      const rss = f.middleRssPeakMiB === undefined ? '-' : `${f.middleRssPeakMiB.toFixed(0)} MiB`;
      console.log(
        `| ${f.side.padEnd(20)} | ${String(f.requestsPerSecond).padStart(5)} | ${f.p50Ms.toFixed(2).padStart(6)} | ${f.p99Ms.toFixed(1).padStart(6)} | ${f.p50Ratio.toFixed(2).padStart(12)} | ${cpu.padStart(25)} | ${rss.padStart(8)} |`,
      );
    }
    console.log('');
    console.log(
      `machine: load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} after; client, kas and the middle process share the cores`,
    );
    const file = await writeResult(
      path.join(import.meta.dirname, 'bench-results'),
      'pass-through-floor',
      {
        startedAt,
        clients,
        secondsPerSide: Number(flags.seconds),
        figures,
      },
    );
    log(`wrote ${file}`);
  } finally {
    for (const side of floorSides) await side.pool.close();
    for (const floor of floors) floor.child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
    await env.stop();
  }
};

await main();
