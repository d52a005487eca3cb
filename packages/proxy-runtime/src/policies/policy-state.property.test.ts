import { encodePolicyState, type PolicyState } from '@ctrlmesh/traffic-policy';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectPolicyState, type ReportPace, reportDueInMs } from './policy-state.js';
import type { AppliedPolicy } from './policy-store.js';

const NS = 'team';
const name = fc.constantFrom('a', 'b', 'c', 'd');
const kind = fc.constantFrom('TrafficPolicy', 'FaultInjection' as const);
const applied = fc.uniqueArray(
  fc.record({ kind, name, generation: fc.nat({ max: 9 }) }) as fc.Arbitrary<AppliedPolicy>,
  { selector: (p) => `${p.kind}/${p.name}`, maxLength: 6 },
);
// Rule keys of those policies and of others (gone, or another namespace): only the first count.
const ruleKey = fc
  .tuple(kind, fc.constantFrom(NS, 'elsewhere'), name, fc.constantFrom('r1', 'r2', 'r3'))
  .map((parts) => parts.join('/'));
const breaker = fc.constantFrom('Closed', 'Open', 'HalfOpen' as const);
const input = fc.record({
  applied,
  rules: fc.array(ruleKey, { maxLength: 12 }),
  breakers: fc.array(fc.tuple(ruleKey, breaker)),
  admitted: fc.array(fc.tuple(ruleKey, fc.nat({ max: 1000 }))),
  rejected: fc.array(fc.tuple(ruleKey, fc.constant({ RateLimited: 2 }))),
  injected: fc.array(fc.tuple(ruleKey, fc.constant({ abort: 3 }))),
});

type Input = typeof input extends fc.Arbitrary<infer T> ? T : never;
const collect = (i: Input) =>
  collectPolicyState({
    applied: i.applied,
    namespace: NS,
    rules: i.rules,
    breakers: new Map(i.breakers),
    admitted: new Map(i.admitted),
    rejected: new Map(i.rejected),
    injected: new Map(i.injected),
  });

const pace: ReportPace = { intervalMs: 10_000, minIntervalMs: 1_000 };
const report = (state: PolicyState[]) => ({ state, text: encodePolicyState(state) });

describe('collectPolicyState', () => {
  it('reports every applied policy once, with each of its rules once and the counts kept for it', () => {
    fc.assert(
      fc.property(input, (i) => {
        const state = collect(i);
        expect(state.map((p) => `${p.kind}/${p.name}`)).toEqual(
          i.applied.map((p) => `${p.kind}/${p.name}`),
        );
        for (const policy of state) {
          const prefix = `${policy.kind}/${NS}/${policy.name}/`;
          const keys = [...new Set(i.rules.filter((key) => key.startsWith(prefix)))];
          expect(policy.rules.map((r) => `${prefix}${r.name}`)).toEqual(keys);
          for (const rule of policy.rules) {
            const key = `${prefix}${rule.name}`;
            expect(rule.breaker).toBe(new Map(i.breakers).get(key));
            expect(rule.admitted).toBe(new Map(i.admitted).get(key));
            expect(rule.rejected).toEqual(new Map(i.rejected).get(key));
            expect(rule.injected).toEqual(new Map(i.injected).get(key));
          }
        }
      }),
    );
  });
});

describe('reportDueInMs', () => {
  it('writes the first report with a policy at once, and an empty one never', () => {
    expect(reportDueInMs(undefined, report([]), 0, pace)).toBeUndefined();
    const one: PolicyState[] = [{ kind: 'TrafficPolicy', name: 'a', generation: 1, rules: [] }];
    expect(reportDueInMs(undefined, report(one), 0, pace)).toBe(0);
  });

  it('skips a report that changes nothing, writes counts after the interval and breaker or generation changes after the short one', () => {
    fc.assert(
      fc.property(input, input, fc.nat({ max: 20_000 }), (a, b, since) => {
        const [before, after] = [report(collect(a)), report(collect(b))];
        const due = reportDueInMs(before, after, since, pace);
        if (before.text === after.text) {
          expect(due).toBeUndefined();
          return;
        }
        expect(due).toBeGreaterThanOrEqual(0);
        const states = (s: PolicyState[]) =>
          JSON.stringify(
            s.map((p) => [p.kind, p.name, p.generation, p.rules.map((r) => [r.name, r.breaker])]),
          );
        const wait =
          states(before.state) === states(after.state) ? pace.intervalMs : pace.minIntervalMs;
        expect(due).toBe(Math.max(0, wait - since));
      }),
    );
  });

  it('writes a breaker that opened within the short interval, not the long one', () => {
    const closed: PolicyState[] = [
      {
        kind: 'TrafficPolicy',
        name: 'a',
        generation: 1,
        rules: [{ name: 'r', breaker: 'Closed' }],
      },
    ];
    const open: PolicyState[] = [
      { kind: 'TrafficPolicy', name: 'a', generation: 1, rules: [{ name: 'r', breaker: 'Open' }] },
    ];
    const counted: PolicyState[] = [
      {
        kind: 'TrafficPolicy',
        name: 'a',
        generation: 1,
        rules: [{ name: 'r', breaker: 'Closed', admitted: 5 }],
      },
    ];
    expect(reportDueInMs(report(closed), report(open), 200, pace)).toBe(800);
    expect(reportDueInMs(report(closed), report(counted), 200, pace)).toBe(9_800);
  });
});
