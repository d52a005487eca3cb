/** The answer of a limiter: admitted, or rejected with when to come back. */
export type Admission =
  | { readonly admitted: true }
  | { readonly admitted: false; readonly retryAfterSeconds: number };

/** A token bucket: `burst` tokens, refilled at `qps` per second. */
export interface TokenBucket {
  readonly qps: number;
  readonly burst: number;
  /** Takes a token if one is there. A rejection changes nothing, so it never delays later requests. */
  readonly tryAcquire: (now: number) => Admission;
  /** What {@link TokenBucket.tryAcquire} would answer at `now`, without taking anything. */
  readonly peek: (now: number) => Admission;
  /** Tokens available at `now` (for metrics). */
  readonly tokens: (now: number) => number;
}

/** `burst` for a rule that gives none: one second of tokens, at least one. */
export const defaultBurst = (qps: number): number => Math.max(1, Math.ceil(qps));

/**
 * Creates a token bucket, full at first. It keeps one number, the theoretical arrival time of
 * the next request at the steady rate (the generic cell rate algorithm), and changes it only
 * when it admits: the original's limiter took a token even from requests it then rejected, so a
 * client retrying hard starved itself.
 */
export const createTokenBucket = (options: { qps: number; burst?: number }): TokenBucket => {
  const { qps } = options;
  const burst = options.burst ?? defaultBurst(qps);
  if (!(qps > 0) || !Number.isFinite(qps) || !Number.isInteger(burst) || burst < 1) {
    throw new TypeError(`invalid token bucket: qps ${qps}, burst ${burst}`);
  }
  const interval = 1000 / qps;
  // `arrival` sums `interval`s, which floating point rounds: without the slack, a request exactly
  // on time could be refused for a rounding error (a nanosecond early never admits an extra one
  // on a millisecond clock).
  const slack = 1e-6;
  const tolerance = (burst - 1) * interval;
  let arrival = Number.NEGATIVE_INFINITY;
  const peek = (now: number): Admission => {
    const wait = Math.max(arrival, now) - tolerance - now;
    if (wait <= slack) return { admitted: true };
    return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
  };
  return {
    qps,
    burst,
    peek,
    tryAcquire: (now) => {
      const admission = peek(now);
      if (admission.admitted) arrival = Math.max(arrival, now) + interval;
      return admission;
    },
    tokens: (now) =>
      Math.min(
        burst,
        Math.max(0, (tolerance + interval - (Math.max(arrival, now) - now)) / interval),
      ),
  };
};
