/**
 * Pipeline cost: the CPU the proxy spends per GET beyond what a bare pass-through spends, without
 * kas, TLS or other processes' noise in the figure.
 *
 * The kas benchmarks share 2 cores between the load generator, kas and the proxy, so their CPU
 * figures move by ±10% from run to run, more than most single changes to the proxy are worth. Here
 * `pipeline/stand-in-apiserver.mjs` answers every GET at once with the same ~1.1 KB ConfigMap, and
 * three processes stand in front of it over plain HTTP: `floor/bare-pass-through.mjs` (forward with
 * undici and pipe back, nothing else), `floor/bytes-relay.mjs` (bytes between sockets, no HTTP
 * machinery) and `pipeline/static-proxy.mjs` (proxy-runtime as apps/proxy builds it, with
 * namespace labels given instead of watched). The same 16-client GET load runs against the
 * stand-in directly and through each, in rotating rounds, and each middle process's CPU per GET is
 * read from /proc. The proxy's figure minus the bare pass-through's is what the proxy's own
 * pipeline costs (issue 13's measure); minus the relay's, what everything above the hop costs.
 * Both run with V8's default heap sizing; `--proxy-node-arg=--semi-space-growth-factor=1` adds the
 * heap flag apps/proxy sets for itself (about 5 us per GET).
 *
 * Run after `npm run build`: `npm run -w @ctrlmesh/bench bench:pipeline [-- --seconds=15]`;
 * `--proxy-node-arg=--cpu-prof` (repeatable) passes a flag to the proxy's node.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Dataset } from './bench-environment.js';
import { startHelper } from './helper-process.js';
import { type MiddleSide, measureMiddles, middleCpuUsPerRequest } from './middle-rounds.js';
import { writeResult } from './report.js';
import { openSide, type Side } from './side.js';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    rounds: { type: 'string', default: '5' },
    'proxy-node-arg': { type: 'string', multiple: true, default: [] },
  },
});
const clients = 16;
// The stand-in answers any name; these keep the GETs in the measured slice.
const dataset: Dataset = { measured: ['bench-in-00'], other: [], names: ['cm-0000', 'cm-0001'] };

const main = async () => {
  const startedAt = new Date().toISOString();
  const dir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-bench-pipeline-'));
  const children: ChildProcess[] = [];
  const sides: MiddleSide[] = [];
  try {
    const start = async (script: string, args: string[], name: string, nodeArgs?: string[]) => {
      const helper = await startHelper(script, args, path.join(dir, `${name}.port`), { nodeArgs });
      children.push(helper.child);
      return { pid: helper.child.pid, origin: `http://127.0.0.1:${helper.port}` };
    };
    const apiserver = await start('pipeline/stand-in-apiserver.mjs', [], 'apiserver');
    // No CA for the pass-through's upstream: the stand-in speaks plain HTTP.
    const floor = await start(
      'floor/bare-pass-through.mjs',
      [apiserver.origin, '/dev/null'],
      'floor',
    );
    const relay = await start('floor/bytes-relay.mjs', [apiserver.origin, '/dev/null'], 'relay');
    const proxy = await start(
      'pipeline/static-proxy.mjs',
      [apiserver.origin],
      'proxy',
      flags['proxy-node-arg'],
    );
    const open = (label: string, name: Side['name'], origin: string, middlePid?: number) =>
      sides.push({
        label,
        side: openSide(name, origin, undefined, 'bench-token', clients),
        middlePid,
      });
    open('direct', 'direct', apiserver.origin);
    open('bare pass-through', 'floor over HTTP', floor.origin, floor.pid);
    open('bytes relay', 'relay', relay.origin, relay.pid);
    open('ControllerMesh proxy', 'proxy over HTTP', proxy.origin, proxy.pid);
    console.log(`bench: GET, ${clients} clients, ${flags.seconds} s per side, stand-in apiserver`);
    const totals = await measureMiddles(sides, {
      dataset,
      clients,
      seconds: Number(flags.seconds),
      rounds: Number(flags.rounds),
      pauseMs: 0,
    });
    const figures = sides.map((s, i) => ({
      side: s.label,
      requestsPerSecond: Math.round((totals[i]!.requests / totals[i]!.ms) * 1000),
      cpuUsPerGet: middleCpuUsPerRequest(s, totals[i]!),
    }));
    const [floorCpu = 0, relayCpu = 0, proxyCpu = 0] = figures
      .slice(1)
      .map((f) => f.cpuUsPerGet ?? 0);
    const pipelineUsPerGet = proxyCpu - floorCpu;
    // Everything above the hop: HTTP on both legs, the pipeline, metrics.
    const aboveRelayUsPerGet = proxyCpu - relayCpu;
    console.log('\n| side                 | req/s | CPU per GET in the middle |');
    console.log('|----------------------|-------|---------------------------|');
    for (const f of figures) {
      const cpu = f.cpuUsPerGet === undefined ? '-' : `${f.cpuUsPerGet.toFixed(1)} us`;
      console.log(
        `| ${f.side.padEnd(20)} | ${String(f.requestsPerSecond).padStart(5)} | ${cpu.padStart(25)} |`,
      );
    }
    console.log(`\nthe proxy's own pipeline: ${pipelineUsPerGet.toFixed(1)} us per GET`);
    console.log(`the proxy above the bytes relay: ${aboveRelayUsPerGet.toFixed(1)} us per GET`);
    const file = await writeResult('pipeline-cost', {
      startedAt,
      clients,
      secondsPerSide: Number(flags.seconds),
      figures,
      pipelineUsPerGet,
      aboveRelayUsPerGet,
    });
    console.log(`bench: wrote ${file}`);
  } finally {
    for (const s of sides) await s.side.pool.close();
    for (const child of children) child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
};

await main();
