import { describe, expect, it } from 'vitest';
import {
  compileFault,
  createFaultInjector,
  decideFault,
  delayOf,
  slowListDelay,
} from './fault-decision.js';
import type { FaultRule } from './fault-injection.js';
import { aFaultInjection } from './test-support/policies.js';

const faultOf = (fault: Record<string, unknown>): FaultRule =>
  aFaultInjection({ faults: [{ name: 'f', probability: 1, ...fault }] }).spec.faults[0]!;
const planOf = (fault: Record<string, unknown>) =>
  compileFault(faultOf(fault), 'FaultInjection ops/chaos fault f');
const always = () => 0;

describe('decideFault', () => {
  it('aborts with the code, the reason Kubernetes gives it and a message naming the fault', () => {
    expect(
      decideFault(planOf({ abort: { code: 409 } }), { now: 0, random: always, fired: 0 }),
    ).toEqual({
      kind: 'abort',
      status: {
        apiVersion: 'v1',
        kind: 'Status',
        metadata: {},
        status: 'Failure',
        message: 'injected by FaultInjection ops/chaos fault f',
        reason: 'Conflict',
        code: 409,
      },
    });
  });

  it('gives a 429 its Retry-After in the Status details, as client-go reads it', () => {
    const decision = decideFault(
      planOf({ abort: { code: 429, retryAfterSeconds: 3, message: 'slow down' } }),
      {
        now: 0,
        random: always,
        fired: 0,
      },
    );
    expect(decision.kind === 'abort' && decision.status).toMatchObject({
      reason: 'TooManyRequests',
      message: 'slow down',
      details: { retryAfterSeconds: 3 },
    });
  });

  it('delays by a fixed time or one drawn from the range', () => {
    expect(
      decideFault(planOf({ delay: { milliseconds: 250 } }), { now: 0, random: always, fired: 0 }),
    ).toEqual({
      kind: 'delay',
      delayMs: 250,
    });
    const draws = [0, 0.999999];
    const ranged = planOf({ delay: { minMilliseconds: 10, maxMilliseconds: 20 } });
    expect(decideFault(ranged, { now: 0, random: () => draws.shift() ?? 0, fired: 0 })).toEqual({
      kind: 'delay',
      delayMs: 20,
    });
  });

  it('plans a watch cut and a slow list', () => {
    const watch = decideFault(planOf({ watch: { afterSeconds: 2 } }), {
      now: 1_000,
      random: always,
      fired: 0,
    });
    expect(
      watch.kind === 'watch' && [watch.plan.deadline, watch.plan.end, watch.plan.status?.code],
    ).toEqual([3_000, 'Expired', 410]);
    const list = decideFault(
      planOf({ slowList: { milliseconds: 100, perItemMilliseconds: 0.5, maxMilliseconds: 600 } }),
      {
        now: 0,
        random: always,
        fired: 0,
      },
    );
    expect(
      list.kind === 'slowList' && [list.delayFor(0), list.delayFor(100), list.delayFor(10_000)],
    ).toEqual([100, 150, 600]);
  });

  it('delays or denies admission reviews', () => {
    expect(
      decideFault(planOf({ admission: { delay: { milliseconds: 5 } } }), {
        now: 0,
        random: always,
        fired: 0,
      }),
    ).toEqual({
      kind: 'delay',
      delayMs: 5,
    });
    const denied = decideFault(planOf({ admission: { deny: { message: 'chaos says no' } } }), {
      now: 0,
      random: always,
      fired: 0,
    });
    expect(
      denied.kind === 'abort' && [denied.status.code, denied.status.reason, denied.status.message],
    ).toEqual([403, 'Forbidden', 'chaos says no']);
  });

  it('fires only inside its windows, start inclusive and end exclusive, and draws nothing outside', () => {
    const plan = planOf({
      abort: { code: 500 },
      windows: [
        { start: '2026-12-04T10:00:00Z', end: '2026-12-04T11:00:00Z' },
        { start: '2026-12-05T00:00:00Z' },
      ],
    });
    const at = (iso: string) =>
      decideFault(plan, {
        now: Date.parse(iso),
        random: () => {
          throw new Error('drew');
        },
        fired: 0,
      }).kind;
    expect(at('2026-12-04T09:59:59.999Z')).toBe('none');
    expect(at('2026-12-04T11:00:00Z')).toBe('none');
    expect(() => at('2026-12-04T10:00:00Z')).toThrow('drew');
    expect(() => at('2027-01-01T00:00:00Z')).toThrow('drew');
  });

  it('refuses to compile a window it cannot read, rather than fire forever', () => {
    const rule = { ...faultOf({ abort: { code: 500 } }), windows: [{ start: 'soon' }] };
    expect(() => compileFault(rule, 'f')).toThrow('f: invalid window time "soon"');
  });

  it('stops at maxCount', () => {
    const plan = planOf({ abort: { code: 500 }, maxCount: 2 });
    expect(decideFault(plan, { now: 0, random: always, fired: 2 })).toEqual({
      kind: 'none',
      reason: 'CountReached',
    });
    const injector = createFaultInjector(plan);
    const kinds = [1, 2, 3, 4].map(() => injector.decide(0, always).kind);
    expect(kinds).toEqual(['abort', 'abort', 'none', 'none']);
    expect(injector.fired()).toBe(2);
  });

  it('counts only the requests it fired for', () => {
    const injector = createFaultInjector(planOf({ abort: { code: 500 }, probability: 0.5 }));
    injector.decide(0, () => 0.7);
    injector.decide(0, () => 0.2);
    expect(injector.fired()).toBe(1);
  });
});

describe('delayOf and slowListDelay', () => {
  it('never go below the minimum or above the maximum', () => {
    expect(delayOf({ minMilliseconds: 5, maxMilliseconds: 5 }, () => 0.99)).toBe(5);
    expect(slowListDelay({ perItemMilliseconds: 1 }, -3)).toBe(0);
  });
});
