/** Percentiles of a set of durations in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

// Nearest-rank percentile on sorted samples: no interpolation, so p99 is a latency that happened.
const rank = (sorted: Float64Array, q: number): number =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

/** Summarises samples (ms); an empty set gives NaN figures and count 0. */
export const summarize = (samples: readonly number[]): LatencySummary => {
  const sorted = Float64Array.from(samples).sort();
  const sum = samples.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50: rank(sorted, 0.5),
    p90: rank(sorted, 0.9),
    p99: rank(sorted, 0.99),
    mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
};

/** `a / b`, rounded to 3 decimals (NaN when either is not a positive number). */
export const ratio = (a: number, b: number): number =>
  a > 0 && b > 0 ? Math.round((a / b) * 1000) / 1000 : Number.NaN;
