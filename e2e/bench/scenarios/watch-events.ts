/**
 * Watch events: added latency at a steady write rate, and event throughput in a write burst.
 *
 * Load: two cluster-wide ConfigMap watches run at the same time, one direct and one through the
 * proxy, both from the same resourceVersion, so they see the very same writes. One writer (direct
 * to the apiserver, 16 keep-alive connections) merge-patches the seeded ConfigMaps, alternating
 * between the measured half and the other half, and stamps each write with a sequence number.
 * Steady phase: `rate` writes/s for `seconds` (open loop: a write is sent on schedule whatever the
 * previous one is doing); latency is event arrival minus the moment the write was sent. Burst
 * phase: `burst` writes as fast as 16 concurrent writers go; throughput is in-slice events
 * delivered divided by the time from the burst's start to the last one's arrival. Only events in
 * the measured half are compared: the direct watch also receives the other half, which the proxy
 * drops.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Dataset, forEachLimited } from '../bench-environment.js';
import { type LatencySummary, summarize } from '../latency.js';
import { mustSendJson, type Side } from '../side.js';
import { openTimedWatch, seqAnnotation, type TimedWatch } from '../watch-stream.js';

/** Steady-rate figures of one side. */
export interface WatchLatencyResult {
  readonly latencyMs: LatencySummary;
  readonly delivered: number;
  readonly expected: number;
}

/** Burst figures of one side. */
export interface WatchBurstResult {
  readonly eventsPerSecond: number;
  readonly delivered: number;
  readonly expected: number;
  readonly lastArrivalMs: number;
}

/** Everything the watch scenario measured. */
export interface WatchEventsResult {
  readonly steady: Record<'direct' | 'proxy', WatchLatencyResult> & {
    /** Per event, proxy arrival minus direct arrival (ms), for events both saw. */
    readonly addedMs: LatencySummary;
    readonly writesPerSecond: number;
  };
  readonly burst: Record<'direct' | 'proxy', WatchBurstResult> & {
    /** Writes the apiserver acknowledged per second during the burst: the ceiling for both. */
    readonly writesPerSecond: number;
  };
}

interface Write {
  readonly seq: number;
  readonly namespace: string;
  readonly name: string;
  readonly inSlice: boolean;
}

/** Writes from `firstSeq` on, alternating halves and walking the ConfigMaps. */
const plan = (dataset: Dataset, firstSeq: number, count: number): Write[] =>
  Array.from({ length: count }, (_, i) => {
    const seq = firstSeq + i;
    const inSlice = seq % 2 === 0;
    const namespaces = inSlice ? dataset.measured : dataset.other;
    const slot = Math.floor(seq / 2);
    return {
      seq,
      inSlice,
      namespace: namespaces[slot % namespaces.length]!,
      name: dataset.names[Math.floor(slot / namespaces.length) % dataset.names.length]!,
    };
  });

const send = (writer: Side, write: Write, sentAt: Map<number, number>): Promise<unknown> => {
  sentAt.set(write.seq, performance.now());
  return writer.pool
    .request({
      method: 'PATCH',
      path: `/api/v1/namespaces/${write.namespace}/configmaps/${write.name}`,
      headers: { ...writer.headers, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { annotations: { [seqAnnotation]: String(write.seq) } } }),
    })
    .then(async ({ statusCode, body }) => {
      const text = await body.text();
      if (statusCode !== 200) throw new Error(`write ${write.seq}: ${statusCode} ${text}`);
    });
};

const waitForArrivals = async (
  watches: readonly TimedWatch[],
  seqs: readonly number[],
  timeoutMs: number,
): Promise<void> => {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (watches.every((watch) => seqs.every((seq) => watch.arrivals.has(seq)))) return;
    await sleep(50);
  }
};

const steadyPhase = async (
  writer: Side,
  dataset: Dataset,
  watches: Record<'direct' | 'proxy', TimedWatch>,
  options: { rate: number; seconds: number },
): Promise<WatchEventsResult['steady']> => {
  const writes = plan(dataset, 0, Math.round(options.rate * options.seconds));
  const sentAt = new Map<number, number>();
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (const [i, write] of writes.entries()) {
    const due = started + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(send(writer, write, sentAt));
  }
  await Promise.all(inFlight);
  const writeMs = performance.now() - started;
  const inSlice = writes.filter((write) => write.inSlice).map((write) => write.seq);
  await waitForArrivals([watches.direct, watches.proxy], inSlice, 10_000);
  const latency = (watch: TimedWatch): WatchLatencyResult => {
    const seen = inSlice.filter((seq) => watch.arrivals.has(seq));
    return {
      latencyMs: summarize(seen.map((seq) => watch.arrivals.get(seq)! - sentAt.get(seq)!)),
      delivered: seen.length,
      expected: inSlice.length,
    };
  };
  const both = inSlice.filter(
    (seq) => watches.direct.arrivals.has(seq) && watches.proxy.arrivals.has(seq),
  );
  return {
    direct: latency(watches.direct),
    proxy: latency(watches.proxy),
    addedMs: summarize(
      both.map((seq) => watches.proxy.arrivals.get(seq)! - watches.direct.arrivals.get(seq)!),
    ),
    writesPerSecond: Math.round((writes.length / writeMs) * 1000),
  };
};

const burstPhase = async (
  writer: Side,
  dataset: Dataset,
  watches: Record<'direct' | 'proxy', TimedWatch>,
  options: { burst: number; firstSeq: number; writers: number },
): Promise<WatchEventsResult['burst']> => {
  const writes = plan(dataset, options.firstSeq, options.burst);
  const sentAt = new Map<number, number>();
  const started = performance.now();
  await forEachLimited(writes, options.writers, (write) =>
    send(writer, write, sentAt).then(() => undefined),
  );
  const writeMs = performance.now() - started;
  const inSlice = writes.filter((write) => write.inSlice).map((write) => write.seq);
  await waitForArrivals([watches.direct, watches.proxy], inSlice, 30_000);
  const throughput = (watch: TimedWatch): WatchBurstResult => {
    const arrivals = inSlice.flatMap((seq) => watch.arrivals.get(seq) ?? []);
    const last = Math.max(...arrivals) - started;
    return {
      eventsPerSecond: Math.round((arrivals.length / last) * 1000),
      delivered: arrivals.length,
      expected: inSlice.length,
      lastArrivalMs: Math.round(last),
    };
  };
  return {
    direct: throughput(watches.direct),
    proxy: throughput(watches.proxy),
    writesPerSecond: Math.round((writes.length / writeMs) * 1000),
  };
};

/** Runs the steady and the burst phase with one direct and one proxied watch open throughout. */
export async function runWatchEvents(
  direct: Side,
  proxy: Side,
  dataset: Dataset,
  options: { rate: number; seconds: number; burst: number; writers: number },
  phase: (name: 'watch-steady' | 'watch-burst') => void,
): Promise<WatchEventsResult> {
  const list = (await mustSendJson(direct, 'GET', '/api/v1/configmaps?limit=1')) as {
    metadata: { resourceVersion: string };
  };
  const path = `/api/v1/configmaps?watch=1&resourceVersion=${list.metadata.resourceVersion}`;
  const watches = {
    direct: await openTimedWatch(direct, path),
    proxy: await openTimedWatch(proxy, path),
  };
  try {
    phase('watch-steady');
    const steady = await steadyPhase(direct, dataset, watches, options);
    await sleep(500);
    phase('watch-burst');
    const burst = await burstPhase(direct, dataset, watches, {
      burst: options.burst,
      firstSeq: 1_000_000,
      writers: options.writers,
    });
    return { steady, burst };
  } finally {
    await Promise.all([watches.direct.close(), watches.proxy.close()]);
  }
}
