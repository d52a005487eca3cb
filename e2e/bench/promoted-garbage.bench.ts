/**
 * Promoted garbage: how many bytes of each GET through the proxy outlive a young-generation
 * collection and die in the old generation, and where they are allocated.
 *
 * Under 16 clients the proxy's old generation fills with short-lived request objects that happened
 * to be in flight during a scavenge (or that V8 pretenured): each is copied once, then marked and
 * swept in a mark-compact every second or two, and the heap they need is most of the proxy's RSS
 * rise under load. V8's sampling heap profiler, asked to keep the samples a major GC collected and
 * drop those a minor GC did, counts exactly those objects. The figure moves far less from run to
 * run than CPU does on this shared machine, so an allocation cut shows here before it shows in
 * `bench:floor`.
 *
 * Run after `npm run build`: `npm run -w @ctrlmesh/bench bench:garbage [-- --seconds=8 --sites=15]`.
 */
import { parseArgs } from 'node:util';
import { freePort } from '../support/free-port.js';
import { startBenchEnvironment } from './bench-environment.js';
import { allocationSites, type SamplingNode } from './garbage/allocation-sites.js';
import { openInspector } from './garbage/inspector-session.js';
import { measureMiddles } from './middle-rounds.js';
import { writeResult } from './report.js';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    sites: { type: 'string', default: '15' },
  },
});
const log = (line: string) => console.log(`bench: ${line}`);

const main = async () => {
  const port = await freePort();
  const env = await startBenchEnvironment(
    {
      namespaces: 4,
      configMapsPerNamespace: 50,
      payloadBytes: 400,
      connections: 16,
      proxyNodeArgs: [`--inspect=127.0.0.1:${port}`],
    },
    log,
  );
  try {
    const inspector = await openInspector(port);
    await inspector.call('HeapProfiler.enable');
    await inspector.call('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: false,
    });
    log(`GET: 16 clients, ${flags.seconds} s through the proxy`);
    const [totals] = await measureMiddles(
      [{ label: 'proxy', side: env.through, middlePid: env.proxy.pid }],
      {
        dataset: env.dataset,
        clients: 16,
        seconds: Number(flags.seconds),
        rounds: 1,
        pauseMs: 100,
      },
    );
    const { profile } = await inspector.call<{ profile: { head: SamplingNode } }>(
      'HeapProfiler.stopSampling',
    );
    inspector.close();
    const requests = totals?.requests ?? 0;
    const { total, sites } = allocationSites(profile.head, 4);
    const perRequest = total / Math.max(requests, 1);
    console.log('');
    console.log(
      `promoted garbage: ${(total / 1048576).toFixed(1)} MiB over ${requests} GETs, ${perRequest.toFixed(0)} bytes per GET`,
    );
    console.log('top allocation sites (frame < callers):');
    for (const site of sites.slice(0, Number(flags.sites))) {
      console.log(`${((100 * site.bytes) / total).toFixed(1).padStart(5)}%  ${site.stack}`);
    }
    const file = await writeResult('promoted-garbage', {
      requests,
      promotedBytes: total,
      promotedBytesPerRequest: perRequest,
      sites: sites.slice(0, 50),
    });
    log(`wrote ${file}`);
  } finally {
    await env.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
