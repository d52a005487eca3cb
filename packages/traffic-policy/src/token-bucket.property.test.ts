import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTokenBucket } from './token-bucket.js';

// qps in tenths from 0.1 to 100, burst 1..20, and attempts at non-decreasing integer milliseconds
// of a fake clock (several attempts may share a millisecond).
const arbConfig = () =>
  fc.record({
    qps: fc.integer({ min: 1, max: 1000 }).map((tenths) => tenths / 10),
    burst: fc.integer({ min: 1, max: 20 }),
  });
const arbTimes = () =>
  fc
    .array(
      fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3000 })),
      {
        minLength: 1,
        maxLength: 300,
      },
    )
    .map((steps) => {
      let now = 1_000_000;
      return steps.map((step) => {
        now += step;
        return now;
      });
    });

const admittedTimes = (config: { qps: number; burst: number }, times: readonly number[]) => {
  const bucket = createTokenBucket(config);
  return times.filter((t) => bucket.tryAcquire(t).admitted);
};

describe('token bucket invariants', () => {
  it('never admits more than burst + qps * t in any window of length t', () => {
    fc.assert(
      fc.property(arbConfig(), arbTimes(), (config, times) => {
        const admitted = admittedTimes(config, times);
        // The busiest windows start and end at admissions; check every such pair.
        for (let i = 0; i < admitted.length; i += 1) {
          for (let j = i; j < admitted.length; j += 1) {
            const window = (admitted[j]! - admitted[i]!) / 1000;
            expect(j - i + 1).toBeLessThanOrEqual(config.burst + config.qps * window + 1e-9);
          }
        }
      }),
    );
  });

  it('admits the same requests whether or not the rejected ones were ever made', () => {
    fc.assert(
      fc.property(arbConfig(), arbTimes(), (config, times) => {
        const admitted = admittedTimes(config, times);
        expect(admittedTimes(config, admitted)).toEqual(admitted);
      }),
    );
  });

  it('admits a request made retryAfterSeconds after a rejection', () => {
    fc.assert(
      fc.property(arbConfig(), arbTimes(), (config, times) => {
        const bucket = createTokenBucket(config);
        for (const t of times) {
          const answer = bucket.tryAcquire(t);
          if (!answer.admitted) {
            expect(bucket.peek(t + answer.retryAfterSeconds * 1000).admitted).toBe(true);
          }
        }
      }),
    );
  });

  it('admits a full burst after an idle period of burst / qps seconds', () => {
    fc.assert(
      fc.property(arbConfig(), arbTimes(), (config, times) => {
        const bucket = createTokenBucket(config);
        for (const t of times) bucket.tryAcquire(t);
        const later = times.at(-1)! + Math.ceil((config.burst / config.qps) * 1000);
        for (let k = 0; k < config.burst; k += 1)
          expect(bucket.tryAcquire(later).admitted).toBe(true);
        expect(bucket.tryAcquire(later).admitted).toBe(false);
      }),
    );
  });
});
