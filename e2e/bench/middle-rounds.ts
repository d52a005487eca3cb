import { setTimeout as sleep } from 'node:timers/promises';
import type { Dataset } from './bench-environment.js';
import { cpuMs } from './process-cpu.js';
import { rotatingRounds } from './rotating-rounds.js';
import { getRound } from './scenarios/get-object.js';
import type { Side } from './side.js';

/** One side of a GET comparison and, when it goes through one, the process in the middle. */
export interface MiddleSide {
  /** How the report names it. */
  readonly label: string;
  readonly side: Side;
  /** The process between client and apiserver, whose CPU is counted; none for direct. */
  readonly middlePid: number | undefined;
}

/** What one side achieved over all its rounds. */
export interface MiddleTotals {
  readonly latencies: number[];
  requests: number;
  ms: number;
  /** CPU the middle process spent during this side's rounds (0 without one). */
  cpuMs: number;
}

/**
 * The closed-loop GET load of `clients` clients against every side for `seconds` each, split into
 * `rounds` rotating rounds after a 1 s warm-up per side, reading each middle process's CPU from
 * /proc around its own rounds. A failed GET fails the run: its figures would not compare.
 */
export const measureMiddles = async (
  sides: readonly MiddleSide[],
  options: { dataset: Dataset; clients: number; seconds: number; rounds: number; pauseMs: number },
): Promise<MiddleTotals[]> => {
  const { dataset, clients, rounds } = options;
  const totals = new Map<MiddleSide, MiddleTotals>(
    sides.map((s) => [s, { latencies: [], requests: 0, ms: 0, cpuMs: 0 }]),
  );
  for (const s of sides) await getRound(s.side, dataset, clients, 1_000, undefined);
  for (const order of rotatingRounds(sides, rounds)) {
    for (const s of order) {
      const total = totals.get(s)!;
      const cpuBefore = s.middlePid === undefined ? 0 : cpuMs(s.middlePid);
      const result = await getRound(
        s.side,
        dataset,
        clients,
        (options.seconds * 1000) / rounds,
        total.latencies,
      );
      if (result.errors > 0) throw new Error(`${s.label}: ${result.errors} GETs failed`);
      if (s.middlePid !== undefined) total.cpuMs += cpuMs(s.middlePid) - cpuBefore;
      total.requests += result.requests;
      total.ms += result.ms;
      await sleep(options.pauseMs);
    }
  }
  return sides.map((s) => totals.get(s)!);
};

/** CPU per request of a side's middle process in us, or undefined for direct. */
export const middleCpuUsPerRequest = (s: MiddleSide, total: MiddleTotals): number | undefined =>
  s.middlePid === undefined ? undefined : (total.cpuMs * 1000) / total.requests;
