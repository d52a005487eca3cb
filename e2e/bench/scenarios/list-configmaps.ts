/**
 * LIST of every ConfigMap in the cluster: latency and bytes, direct and through the proxy.
 *
 * Load: one client lists `/api/v1/configmaps` (no limit, so one response of the whole set: 5,000
 * seeded ConfigMaps of ~1.1 KB in 20 namespaces, plus the few the apiserver makes) `rounds` times
 * per side, one list at a time, alternating direct and proxy (A B, B A) after 2 warm-up lists per
 * side. Half of the seeded ConfigMaps are outside the measured slice, so the proxy reads the whole
 * list from the apiserver and passes on about half of it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type LatencySummary, summarize } from '../latency.js';
import { rotatingRounds } from '../rotating-rounds.js';
import { type Side, timedRead } from '../side.js';

/** What one side saw. */
export interface ListConfigMapsResult {
  readonly latencyMs: LatencySummary;
  readonly bytes: number;
  readonly items: number;
  readonly errors: number;
}

const path = '/api/v1/configmaps';

// Counted once per side, outside the timed lists: parsing 7 MB in the client would dwarf the proxy.
const countItems = async (side: Side): Promise<number> => {
  const { body } = await side.pool.request({ method: 'GET', path, headers: side.headers });
  return ((await body.json()) as { items: unknown[] }).items.length;
};

/** Runs the LIST load on both sides and returns each side's figures. */
export async function runListConfigMaps(
  direct: Side,
  proxy: Side,
  options: { rounds: number },
): Promise<Record<'direct' | 'proxy', ListConfigMapsResult>> {
  const samples = new Map<Side, { ms: number[]; bytes: number; errors: number }>(
    [direct, proxy].map((side) => [side, { ms: [], bytes: 0, errors: 0 }]),
  );
  for (const side of [direct, proxy, direct, proxy]) await timedRead(side, path);
  for (const order of rotatingRounds([direct, proxy], options.rounds)) {
    for (const side of order) {
      const result = await timedRead(side, path);
      const sample = samples.get(side)!;
      sample.ms.push(result.ms);
      sample.bytes = result.bytes;
      if (result.status !== 200) sample.errors++;
      await sleep(50);
    }
  }
  const figures = async (side: Side): Promise<ListConfigMapsResult> => {
    const sample = samples.get(side)!;
    return {
      latencyMs: summarize(sample.ms),
      bytes: sample.bytes,
      items: await countItems(side),
      errors: sample.errors,
    };
  };
  return { direct: await figures(direct), proxy: await figures(proxy) };
}
