import { createInFlightLimiter, type InFlightLimiter } from './in-flight-limiter.js';
import { createTokenBucket, type TokenBucket } from './token-bucket.js';

/** Why a rate limit refused a request (a metric label). */
export type RateLimitReason = 'RateLimited' | 'TooManyInFlight';

/** The answer of {@link RateLimiter.tryAcquire}. */
export type RateLimitAdmission =
  | { readonly admitted: true; readonly release: () => void }
  | {
      readonly admitted: false;
      readonly reason: RateLimitReason;
      readonly retryAfterSeconds: number;
    };

/** A rate limit rule's state: a token bucket, an in-flight cap, or both. */
export interface RateLimiter {
  readonly bucket?: TokenBucket | undefined;
  readonly inFlight?: InFlightLimiter | undefined;
  /**
   * Admits a request when both the bucket and the cap have room, taking from both; otherwise
   * takes from neither. Call `release` when the request ends (a watch: when it is open).
   */
  readonly tryAcquire: (now: number) => RateLimitAdmission;
  /** What {@link RateLimiter.tryAcquire} would answer, without taking anything. */
  readonly peek: (now: number) => RateLimitAdmission;
}

const NOTHING_TO_RELEASE = (): void => {};

// An in-flight slot frees when some request ends, which we cannot foresee: one second is what
// the apiserver's own max-in-flight filter asks clients to wait.
const IN_FLIGHT_RETRY_SECONDS = 1;

/** Creates the state of one rate limit rule (`qps`/`burst`, `maxInFlight`). */
export const createRateLimiter = (rule: {
  readonly qps?: number | undefined;
  readonly burst?: number | undefined;
  readonly maxInFlight?: number | undefined;
}): RateLimiter => {
  const bucket =
    rule.qps === undefined ? undefined : createTokenBucket({ qps: rule.qps, burst: rule.burst });
  const inFlight =
    rule.maxInFlight === undefined ? undefined : createInFlightLimiter(rule.maxInFlight);
  const peek = (now: number): RateLimitAdmission => {
    if (inFlight !== undefined && !inFlight.hasRoom()) {
      return {
        admitted: false,
        reason: 'TooManyInFlight',
        retryAfterSeconds: IN_FLIGHT_RETRY_SECONDS,
      };
    }
    const token = bucket?.peek(now);
    if (token !== undefined && !token.admitted) {
      return { admitted: false, reason: 'RateLimited', retryAfterSeconds: token.retryAfterSeconds };
    }
    return { admitted: true, release: NOTHING_TO_RELEASE };
  };
  return {
    bucket,
    inFlight,
    peek,
    tryAcquire: (now) => {
      const admission = peek(now);
      if (!admission.admitted) return admission;
      bucket?.tryAcquire(now);
      const slot = inFlight?.tryAcquire();
      return { admitted: true, release: slot?.release ?? NOTHING_TO_RELEASE };
    },
  };
};

/**
 * Admits a request through every limiter that applies to it, or through none: when one refuses,
 * no other takes a token or a slot (a request refused by one policy must not use up another's
 * budget). The refusal with the longest `retryAfterSeconds` is returned.
 */
export const tryAcquireAll = (
  limiters: readonly RateLimiter[],
  now: number,
): RateLimitAdmission => {
  let refusal: RateLimitAdmission | undefined;
  for (const limiter of limiters) {
    const answer = limiter.peek(now);
    if (
      !answer.admitted &&
      (refusal === undefined ||
        refusal.admitted ||
        answer.retryAfterSeconds > refusal.retryAfterSeconds)
    ) {
      refusal = answer;
    }
  }
  if (refusal !== undefined) return refusal;
  const releases = limiters.map((limiter) => {
    const admission = limiter.tryAcquire(now);
    return admission.admitted ? admission.release : NOTHING_TO_RELEASE;
  });
  const release = (): void => {
    for (const each of releases) each();
  };
  return { admitted: true, release };
};
