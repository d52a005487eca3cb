/**
 * Proxy overhead: the same load direct to one real kube-apiserver and through one ControllerMesh proxy.
 *
 * Load: one kas (etcd + kube-apiserver v1.36, from the e2e harness) seeded with 20 namespaces x 250
 * ConfigMaps of ~1.1 KB (5,000 in all), and one proxy process for a pod of subset `measured`, which
 * owns the 10 namespaces labelled `bench.ctrlmesh.io/half=measured`. Against both, in one run and in
 * alternating rounds: 16 concurrent clients GETting single ConfigMaps back to back for 10 s per side (then
 * 1 client for 5 s per side, for the overhead of a request that does not queue);
 * 20 full LISTs of all ConfigMaps per side, one at a time; a steady 50 writes/s for 10 s and a burst
 * of 2,000 writes (16 writers) watched by one direct and one proxied cluster-wide watch at once.
 * The proxy's RSS is sampled every 100 ms throughout; the proxy runs with the environment its README
 * asks deployments for (`PROXY_ENV`). The load generator, kas and the proxy share
 * the machine's cores, so the figures include their competition for CPU. Nothing is asserted: the
 * run prints ratios against the issue's targets and writes JSON to bench-results/.
 *
 * Run: `npm run bench` at the repository root (builds first), or after a build
 * `npm run -w @ctrlmesh/bench bench -- --get-seconds=4 --list-rounds=6` for a shorter run;
 * `--cpu-prof` writes a CPU profile of the proxy to bench-results/profiles/, and
 * `--proxy-node-arg=--max-semi-space-size=2` (repeatable) passes a flag to the proxy's node.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { PROXY_ENV, startBenchEnvironment } from './bench-environment.js';
import { formatTable, RESULTS_DIR, row, writeResult } from './report.js';
import { RssSampler, readRssMiB } from './rss-sampler.js';
import { runGetObject } from './scenarios/get-object.js';
import { runListConfigMaps } from './scenarios/list-configmaps.js';
import { runWatchEvents } from './scenarios/watch-events.js';

const { values: flags } = parseArgs({
  options: {
    'get-seconds': { type: 'string', default: '10' },
    'list-rounds': { type: 'string', default: '20' },
    'watch-rate': { type: 'string', default: '50' },
    'watch-seconds': { type: 'string', default: '10' },
    burst: { type: 'string', default: '2000' },
    'cpu-prof': { type: 'boolean', default: false },
    'proxy-node-arg': { type: 'string', multiple: true, default: [] },
  },
});
const clients = 16;
const log = (line: string) => console.log(`bench: ${line}`);

const main = async () => {
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  const env = await startBenchEnvironment(
    {
      namespaces: 20,
      configMapsPerNamespace: 250,
      payloadBytes: 400,
      connections: clients,
      proxyNodeArgs: [
        ...flags['proxy-node-arg'],
        ...(flags['cpu-prof']
          ? ['--cpu-prof', `--cpu-prof-dir=${path.join(RESULTS_DIR, 'profiles')}`]
          : []),
      ],
    },
    log,
  );
  const rss = new RssSampler(env.proxy.pid);
  try {
    rss.enter('idle');
    await sleep(3_000);
    rss.enter('get');
    log(`GET: ${clients} clients, ${flags['get-seconds']} s per side`);
    const get = await runGetObject(env.direct, env.through, env.dataset, {
      clients,
      seconds: Number(flags['get-seconds']),
    });
    log('GET: 1 client, to see the per-request overhead without queueing');
    const getSerial = await runGetObject(env.direct, env.through, env.dataset, {
      clients: 1,
      seconds: Number(flags['get-seconds']) / 2,
    });
    rss.enter('list');
    log(`LIST: ${flags['list-rounds']} rounds per side`);
    const list = await runListConfigMaps(env.direct, env.through, {
      rounds: Number(flags['list-rounds']),
    });
    log(
      `WATCH: ${flags['watch-rate']}/s for ${flags['watch-seconds']} s, then ${flags.burst} writes`,
    );
    const watch = await runWatchEvents(
      env.direct,
      env.through,
      env.dataset,
      {
        rate: Number(flags['watch-rate']),
        seconds: Number(flags['watch-seconds']),
        burst: Number(flags.burst),
        writers: clients,
      },
      (phase) => rss.enter(phase),
    );
    rss.enter('idle-after');
    await sleep(3_000);
    const memory = rss.stop();
    const loadPeak = Math.max(
      ...['get', 'list', 'watch-steady', 'watch-burst'].map((p) => memory[p]?.peakMiB ?? 0),
    );
    const rows = [
      row('GET p50', get.direct.latencyMs.p50, get.proxy.latencyMs.p50, 'ms', '<= 1.15'),
      row('GET p99', get.direct.latencyMs.p99, get.proxy.latencyMs.p99, 'ms'),
      row('GET throughput', get.direct.requestsPerSecond, get.proxy.requestsPerSecond, 'req/s'),
      row('GET p50, 1 client', getSerial.direct.latencyMs.p50, getSerial.proxy.latencyMs.p50, 'ms'),
      row('LIST p50', list.direct.latencyMs.p50, list.proxy.latencyMs.p50, 'ms', '<= 1.3'),
      row('LIST p99', list.direct.latencyMs.p99, list.proxy.latencyMs.p99, 'ms'),
      row('LIST bytes', list.direct.bytes, list.proxy.bytes, 'B'),
      row('LIST items', list.direct.items, list.proxy.items, ''),
      row(
        'watch latency p50 (steady)',
        watch.steady.direct.latencyMs.p50,
        watch.steady.proxy.latencyMs.p50,
        'ms',
      ),
      row(
        'watch latency p99 (steady)',
        watch.steady.direct.latencyMs.p99,
        watch.steady.proxy.latencyMs.p99,
        'ms',
      ),
      row(
        'watch throughput (burst)',
        watch.burst.direct.eventsPerSecond,
        watch.burst.proxy.eventsPerSecond,
        'ev/s',
        '>= 0.9',
      ),
    ];
    const result = {
      benchmark: 'proxy-overhead',
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        kubeApiserver: env.kas.info.version,
        loadAverageBefore: loadBefore,
        loadAverageAfter: loadavg(),
      },
      flags,
      proxyEnv: PROXY_ENV,
      rows,
      get,
      getSerial,
      list,
      watch,
      proxyRssMiB: { byPhase: memory, peakUnderLoad: loadPeak, target: '< 80' },
      kasRssMiB: readRssMiB(env.kas.info.pid),
    };
    console.log(`\n${formatTable(rows)}\n`);
    console.log(
      `watch: added latency per event (proxy - direct) p50 ${watch.steady.addedMs.p50.toFixed(2)} ms, p99 ${watch.steady.addedMs.p99.toFixed(2)} ms; ` +
        `steady delivered ${watch.steady.direct.delivered}/${watch.steady.direct.expected} direct, ${watch.steady.proxy.delivered}/${watch.steady.proxy.expected} proxy; ` +
        `burst writes ${watch.burst.writesPerSecond}/s, delivered ${watch.burst.direct.delivered}/${watch.burst.direct.expected} direct, ${watch.burst.proxy.delivered}/${watch.burst.proxy.expected} proxy`,
    );
    console.log(
      `errors: GET ${get.direct.errors + getSerial.direct.errors} direct, ${get.proxy.errors + getSerial.proxy.errors} proxy; LIST ${list.direct.errors} direct, ${list.proxy.errors} proxy`,
    );
    console.log(
      `proxy RSS (MiB): ${Object.entries(memory)
        .map(([phase, m]) => `${phase} mean ${m.meanMiB} peak ${m.peakMiB}`)
        .join(
          '; ',
        )}; peak under load ${loadPeak} (target < 80: ${loadPeak < 80 ? 'yes' : 'NO'}); proxy env ${Object.entries(
        PROXY_ENV,
      )
        .map(([name, value]) => `${name}=${value}`)
        .join(' ')}`,
    );
    console.log(
      `machine: ${result.machine.cpus} x ${result.machine.cpuModel}, load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${result.machine.loadAverageAfter.map((l) => l.toFixed(1)).join(' ')} after; load generator, kas and proxy share these cores`,
    );
    log(`wrote ${await writeResult('proxy-overhead', result)}`);
  } finally {
    rss.stop();
    await env.stop();
  }
};

await main();
