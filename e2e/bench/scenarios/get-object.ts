/**
 * Single-object GET: latency and throughput of 16 concurrent clients reading one ConfigMap each.
 *
 * Load: 16 clients, each with its own keep-alive HTTPS connection, send GETs back to back (closed
 * loop, no think time) for `seconds` per side, split into 4 rounds that alternate direct and proxy
 * in A B, B A order after a 1 s warm-up per side. Each GET names a random one of the ConfigMaps in
 * the measured half (1,250 of ~1.1 KB by default), so the proxy allows every request and the figure
 * is its pure overhead: TLS termination, classification, the ownership decision, forwarding.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dataset } from '../bench-environment.js';
import { type LatencySummary, summarize } from '../latency.js';
import { rotatingRounds } from '../rotating-rounds.js';
import { type Side, timedRead } from '../side.js';

/** What one side achieved. */
export interface GetObjectResult {
  readonly latencyMs: LatencySummary;
  readonly requests: number;
  readonly errors: number;
  readonly requestsPerSecond: number;
}

/**
 * One closed-loop round: `clients` clients GET random ConfigMaps of the measured half back to back
 * for `ms`; latencies go to `latencies` when given (none during a warm-up).
 */
export const getRound = async (
  side: Side,
  dataset: Dataset,
  clients: number,
  ms: number,
  latencies: number[] | undefined,
): Promise<{ requests: number; errors: number; ms: number }> => {
  const started = performance.now();
  const deadline = started + ms;
  let requests = 0;
  let errors = 0;
  const client = async () => {
    while (performance.now() < deadline) {
      const namespace = dataset.measured[Math.floor(Math.random() * dataset.measured.length)]!;
      const name = dataset.names[Math.floor(Math.random() * dataset.names.length)]!;
      const result = await timedRead(side, `/api/v1/namespaces/${namespace}/configmaps/${name}`);
      requests++;
      if (result.status !== 200) errors++;
      latencies?.push(result.ms);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return { requests, errors, ms: performance.now() - started };
};

/** Runs the GET load on both sides and returns each side's figures. */
export async function runGetObject(
  direct: Side,
  proxy: Side,
  dataset: Dataset,
  options: { clients: number; seconds: number },
): Promise<Record<'direct' | 'proxy', GetObjectResult>> {
  for (const side of [direct, proxy])
    await getRound(side, dataset, options.clients, 1_000, undefined);
  const rounds = 4;
  const totals = new Map<
    Side,
    { latencies: number[]; requests: number; errors: number; ms: number }
  >([direct, proxy].map((side) => [side, { latencies: [], requests: 0, errors: 0, ms: 0 }]));
  for (const order of rotatingRounds([direct, proxy], rounds)) {
    for (const side of order) {
      const total = totals.get(side)!;
      const result = await getRound(
        side,
        dataset,
        options.clients,
        (options.seconds * 1000) / rounds,
        total.latencies,
      );
      total.requests += result.requests;
      total.errors += result.errors;
      total.ms += result.ms;
      // Let the last round's stragglers and GC settle before the other side starts.
      await sleep(200);
    }
  }
  const figures = (side: Side): GetObjectResult => {
    const total = totals.get(side)!;
    return {
      latencyMs: summarize(total.latencies),
      requests: total.requests,
      errors: total.errors,
      requestsPerSecond: Math.round((total.requests / total.ms) * 1000),
    };
  };
  return { direct: figures(direct), proxy: figures(proxy) };
}
