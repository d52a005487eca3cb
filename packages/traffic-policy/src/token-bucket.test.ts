import { describe, expect, it } from 'vitest';
import { createTokenBucket, defaultBurst } from './token-bucket.js';

describe('createTokenBucket', () => {
  it('starts full, admits a burst, then one request per 1/qps seconds', () => {
    const bucket = createTokenBucket({ qps: 2, burst: 3 });
    expect([0, 0, 0, 0].map((t) => bucket.tryAcquire(t).admitted)).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.tryAcquire(499)).toEqual({ admitted: false, retryAfterSeconds: 1 });
    expect(bucket.tryAcquire(500).admitted).toBe(true);
    expect(bucket.tryAcquire(500).admitted).toBe(false);
  });

  it('takes no token from a request it rejects', () => {
    const bucket = createTokenBucket({ qps: 1, burst: 1 });
    expect(bucket.tryAcquire(0).admitted).toBe(true);
    for (let t = 1; t < 1000; t += 10) expect(bucket.tryAcquire(t).admitted).toBe(false);
    expect(bucket.tryAcquire(1000).admitted).toBe(true);
  });

  it('says how long to wait, rounded up to whole seconds', () => {
    const bucket = createTokenBucket({ qps: 0.2, burst: 1 });
    bucket.tryAcquire(0);
    expect(bucket.peek(1)).toEqual({ admitted: false, retryAfterSeconds: 5 });
    expect(bucket.peek(4001)).toEqual({ admitted: false, retryAfterSeconds: 1 });
    expect(bucket.peek(5000)).toEqual({ admitted: true });
  });

  it('reports the tokens left for metrics, never more than burst', () => {
    const bucket = createTokenBucket({ qps: 10, burst: 5 });
    expect(bucket.tokens(0)).toBe(5);
    bucket.tryAcquire(0);
    bucket.tryAcquire(0);
    expect(bucket.tokens(0)).toBeCloseTo(3);
    expect(bucket.tokens(100)).toBeCloseTo(4);
    expect(bucket.tokens(10_000)).toBe(5);
  });

  it('defaults burst to one second of tokens, at least one', () => {
    expect([defaultBurst(0.5), defaultBurst(5), defaultBurst(7.5)]).toEqual([1, 5, 8]);
    expect(createTokenBucket({ qps: 5 }).burst).toBe(5);
  });

  it('refuses a bucket that could never admit', () => {
    expect(() => createTokenBucket({ qps: 0 })).toThrow(TypeError);
    expect(() => createTokenBucket({ qps: 1, burst: 0 })).toThrow(TypeError);
  });
});
