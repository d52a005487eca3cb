import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createInFlightLimiter } from './in-flight-limiter.js';
import { createRateLimiter, tryAcquireAll } from './rate-limiter.js';

describe('createInFlightLimiter', () => {
  it('admits up to max at once and frees a slot on release, once', () => {
    const limiter = createInFlightLimiter(2);
    const a = limiter.tryAcquire();
    const b = limiter.tryAcquire();
    expect(limiter.tryAcquire()).toBeUndefined();
    a?.release();
    a?.release();
    expect(limiter.inFlight()).toBe(1);
    expect(limiter.tryAcquire()).toBeDefined();
    b?.release();
    expect(limiter.inFlight()).toBe(1);
  });

  it('never holds more than max slots, whatever the order of acquires and releases', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.oneof(fc.constant('acquire' as const), fc.nat({ max: 10 })), {
          maxLength: 100,
        }),
        (max, commands) => {
          const limiter = createInFlightLimiter(max);
          const held: (() => void)[] = [];
          for (const command of commands) {
            if (command === 'acquire') {
              const slot = limiter.tryAcquire();
              expect(slot === undefined).toBe(held.length >= max);
              if (slot) held.push(slot.release);
            } else if (held.length > 0) {
              held.splice(command % held.length, 1)[0]?.();
            }
            expect(limiter.inFlight()).toBe(held.length);
          }
        },
      ),
    );
  });
});

describe('createRateLimiter', () => {
  it('refuses with TooManyInFlight without taking a token', () => {
    const limiter = createRateLimiter({ qps: 1, burst: 2, maxInFlight: 1 });
    const first = limiter.tryAcquire(0);
    expect(limiter.tryAcquire(0)).toEqual({
      admitted: false,
      reason: 'TooManyInFlight',
      retryAfterSeconds: 1,
    });
    if (first.admitted) first.release();
    expect(limiter.tryAcquire(0).admitted).toBe(true);
    expect(limiter.bucket?.tokens(0)).toBeCloseTo(0);
  });

  it('refuses with RateLimited without taking an in-flight slot', () => {
    const limiter = createRateLimiter({ qps: 1, burst: 1, maxInFlight: 5 });
    limiter.tryAcquire(0);
    expect(limiter.tryAcquire(0)).toEqual({
      admitted: false,
      reason: 'RateLimited',
      retryAfterSeconds: 1,
    });
    expect(limiter.inFlight?.inFlight()).toBe(1);
  });
});

describe('tryAcquireAll', () => {
  it('takes from no limiter when one refuses, and answers with the longest wait', () => {
    const roomy = createRateLimiter({ qps: 10, burst: 10 });
    const tight = createRateLimiter({ qps: 0.25, burst: 1 });
    const capped = createRateLimiter({ maxInFlight: 1 });
    tight.tryAcquire(0);
    capped.tryAcquire(0);
    expect(tryAcquireAll([roomy, capped, tight], 0)).toEqual({
      admitted: false,
      reason: 'RateLimited',
      retryAfterSeconds: 4,
    });
    expect(roomy.bucket?.tokens(0)).toBe(10);
  });

  it('admits through every limiter and releases every slot at once', () => {
    const a = createRateLimiter({ maxInFlight: 1 });
    const b = createRateLimiter({ qps: 1, maxInFlight: 1 });
    const admission = tryAcquireAll([a, b], 0);
    expect(admission.admitted).toBe(true);
    expect([a.inFlight?.inFlight(), b.inFlight?.inFlight()]).toEqual([1, 1]);
    if (admission.admitted) admission.release();
    expect([a.inFlight?.inFlight(), b.inFlight?.inFlight()]).toEqual([0, 0]);
  });
});
