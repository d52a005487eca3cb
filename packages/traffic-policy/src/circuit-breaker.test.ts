import { describe, expect, it } from 'vitest';
import {
  type BreakerConfig,
  type BreakerTransition,
  breakerConfigFor,
  createCircuitBreaker,
} from './circuit-breaker.js';
import { aTrafficPolicy } from './test-support/policies.js';

const base: BreakerConfig = {
  mode: 'Auto',
  failureCodes: ['5xx', '429', 'transport'],
  openMs: 10_000,
  halfOpenProbes: 2,
};

const run = (config: BreakerConfig) => {
  const transitions: BreakerTransition[] = [];
  const breaker = createCircuitBreaker(config, { onTransition: (t) => transitions.push(t) });
  const request = (now: number, code: number) => {
    const admission = breaker.tryAcquire(now);
    if (admission.admitted) admission.report({ code }, now);
    return admission;
  };
  return { breaker, transitions, request };
};

describe('createCircuitBreaker', () => {
  it('opens after consecutive failures, and a success in between starts the count again', () => {
    const { breaker, request } = run({ ...base, consecutiveFailures: 3 });
    for (const [i, code] of [500, 500, 200, 500, 500].entries()) request(i, code);
    expect(breaker.state(5)).toBe('Closed');
    request(6, 503);
    expect(breaker.state(6)).toBe('Open');
    expect(breaker.tryAcquire(7)).toEqual({
      admitted: false,
      state: 'Open',
      retryAfterSeconds: 10,
    });
  });

  it('opens on the error rate only once the window holds the minimum of requests', () => {
    const { breaker, request } = run({
      ...base,
      errorRate: { percent: 50, windowMs: 10_000, minimumRequests: 4 },
    });
    request(0, 500);
    request(1, 500);
    request(2, 500);
    expect(breaker.state(2)).toBe('Closed');
    request(3, 200);
    expect(breaker.state(3)).toBe('Open');
  });

  it('forgets failures that left the window', () => {
    const { breaker, request } = run({
      ...base,
      errorRate: { percent: 50, windowMs: 1_000, minimumRequests: 3 },
    });
    request(0, 500);
    request(1, 500);
    request(5_000, 200);
    expect(breaker.state(5_000)).toBe('Closed');
  });

  it('goes half-open when the open time is up, admits only the probes, and closes on their success', () => {
    const { breaker, transitions, request } = run({ ...base, consecutiveFailures: 1 });
    request(0, 500);
    expect(breaker.tryAcquire(9_999).admitted).toBe(false);
    const first = breaker.tryAcquire(10_000);
    const second = breaker.tryAcquire(10_000);
    expect([first.admitted && first.probe, second.admitted && second.probe]).toEqual([true, true]);
    expect(breaker.tryAcquire(10_001)).toEqual({
      admitted: false,
      state: 'HalfOpen',
      retryAfterSeconds: 1,
    });
    if (first.admitted) first.report({ code: 200 }, 10_002);
    expect(breaker.state(10_002)).toBe('HalfOpen');
    if (second.admitted) second.report({ code: 200 }, 10_003);
    expect(breaker.state(10_003)).toBe('Closed');
    expect(transitions.map((t) => `${t.from}->${t.to} ${t.reason} @${t.at}`)).toEqual([
      'Closed->Open ConsecutiveFailures @0',
      'Open->HalfOpen OpenElapsed @10000',
      'HalfOpen->Closed ProbesSucceeded @10003',
    ]);
  });

  it('reopens on a failed probe, for the whole open time again', () => {
    const { breaker, request } = run({ ...base, consecutiveFailures: 1 });
    request(0, 500);
    request(10_000, 500);
    expect(breaker.state(10_000)).toBe('Open');
    expect(breaker.state(19_999)).toBe('Open');
    expect(breaker.state(20_000)).toBe('HalfOpen');
  });

  it('gives a cancelled probe its slot back', () => {
    const { breaker, request } = run({ ...base, consecutiveFailures: 1, halfOpenProbes: 1 });
    request(0, 500);
    const probe = breaker.tryAcquire(10_000);
    expect(breaker.tryAcquire(10_000).admitted).toBe(false);
    if (probe.admitted) probe.cancel();
    expect(breaker.tryAcquire(10_000).admitted).toBe(true);
  });

  it('ignores outcomes of requests admitted before the last change of state', () => {
    const { breaker, request } = run({ ...base, consecutiveFailures: 1, halfOpenProbes: 1 });
    const slow = breaker.tryAcquire(0);
    request(1, 500);
    const probe = breaker.tryAcquire(10_001);
    if (slow.admitted) slow.report({ code: 200 }, 10_002);
    expect(breaker.state(10_002)).toBe('HalfOpen');
    if (probe.admitted) probe.report({ code: 200 }, 10_003);
    expect(breaker.state(10_003)).toBe('Closed');
  });

  it('counts a transport error as a failure by default', () => {
    const { breaker } = run({ ...base, consecutiveFailures: 1 });
    const admission = breaker.tryAcquire(0);
    if (admission.admitted) admission.report({ transportError: true }, 0);
    expect(breaker.state(0)).toBe('Open');
  });

  it('rejects everything when forced open and admits everything when forced closed', () => {
    const open = run({ ...base, mode: 'ForceOpen', consecutiveFailures: 1 });
    expect(open.breaker.tryAcquire(0)).toEqual({
      admitted: false,
      state: 'Open',
      retryAfterSeconds: 10,
    });
    const closed = run({ ...base, mode: 'ForceClosed', consecutiveFailures: 1 });
    for (let t = 0; t < 10; t += 1) expect(closed.request(t, 500).admitted).toBe(true);
    expect(closed.breaker.state(10)).toBe('Closed');
    expect(closed.transitions).toEqual([]);
  });

  it('reads a rule in milliseconds with the default failure codes', () => {
    const policy = aTrafficPolicy({
      circuitBreakers: [{ name: 'b', errorRate: { percent: 20 }, openSeconds: 5 }],
    });
    expect(breakerConfigFor(policy.spec.circuitBreakers![0]!)).toEqual({
      mode: 'Auto',
      errorRate: { percent: 20, windowMs: 10_000, minimumRequests: 10 },
      consecutiveFailures: undefined,
      failureCodes: ['5xx', '429', 'transport'],
      openMs: 5_000,
      halfOpenProbes: 3,
    });
  });
});
