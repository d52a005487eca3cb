import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodePolicyState,
  encodePolicyState,
  POLICY_STATE_MIN_BYTES,
  type PolicyState,
} from './policy-state.js';

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
const counts = (keys: readonly string[]) =>
  fc.dictionary(fc.constantFrom(...keys), fc.nat({ max: 1_000_000 }), { maxKeys: keys.length });

const rule = fc.record(
  {
    name,
    breaker: fc.constantFrom('Closed', 'Open', 'HalfOpen' as const),
    admitted: fc.nat({ max: 1_000_000 }),
    rejected: counts(['RateLimited', 'TooManyInFlight', 'CircuitOpen']),
    injected: counts(['delay', 'abort', 'watch', 'slowList', 'admission']),
  },
  { requiredKeys: ['name'] },
);

const uniqueBy = <T>(items: T[], key: (item: T) => string): T[] => [
  ...new Map(items.map((item) => [key(item), item])).values(),
];

const policies = fc
  .array(
    fc.record({
      kind: fc.constantFrom('TrafficPolicy', 'FaultInjection' as const),
      name,
      generation: fc.nat({ max: 10_000 }),
      rules: fc.array(rule, { maxLength: 6 }).map((rules) => uniqueBy(rules, (r) => r.name)),
    }),
    { maxLength: 12 },
  )
  .map((list) => uniqueBy(list, (p) => `${p.kind}/${p.name}`)) as fc.Arbitrary<PolicyState[]>;

const bytes = (text: string) => new TextEncoder().encode(text).length;

// What a reader sees of a state: zero counts and empty maps are left out by the writer.
const meaning = (list: readonly PolicyState[]) =>
  list
    .map((policy) => ({
      key: `${policy.kind}/${policy.name}`,
      generation: policy.generation,
      rules: policy.rules
        .map((r) => ({
          name: r.name,
          breaker: r.breaker,
          admitted: r.admitted ?? 0,
          rejected: Object.entries(r.rejected ?? {})
            .filter(([, n]) => n > 0)
            .sort(),
          injected: Object.entries(r.injected ?? {})
            .filter(([, n]) => n > 0)
            .sort(),
        }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

describe('the policy state message', () => {
  it('reads back as the state it was written from, when it fits', () => {
    fc.assert(
      fc.property(policies, (list) => {
        const report = decodePolicyState(encodePolicyState(list, 1_000_000));
        expect(report?.truncated).toBeUndefined();
        expect(meaning(report?.policies ?? [])).toEqual(meaning(list));
      }),
    );
  });

  it('never exceeds its bound, and leaves out whole policies from the end, counting them', () => {
    fc.assert(
      fc.property(policies, fc.integer({ min: POLICY_STATE_MIN_BYTES, max: 4000 }), (list, max) => {
        const text = encodePolicyState(list, max);
        expect(bytes(text)).toBeLessThanOrEqual(max);
        const report = decodePolicyState(text);
        expect(report).toBeDefined();
        const kept = report?.policies.length ?? 0;
        expect(kept + (report?.truncated ?? 0)).toBe(list.length);
        // What is kept is a prefix of the whole, in order: the same policies in the same state.
        const whole = decodePolicyState(encodePolicyState(list, 1_000_000));
        expect(report?.policies).toEqual(whole?.policies.slice(0, kept));
      }),
    );
  });

  it('is the same text whatever the order of policies, rules and counts', () => {
    fc.assert(
      fc.property(policies, (list) => {
        const shuffled = [...list].reverse().map((policy) => ({
          ...policy,
          rules: [...policy.rules].reverse().map((r) => ({
            ...r,
            rejected: r.rejected && Object.fromEntries(Object.entries(r.rejected).reverse()),
          })),
        }));
        expect(encodePolicyState(shuffled)).toBe(encodePolicyState(list));
      }),
    );
  });

  it('reads anything that is not a message of its version as no report, without throwing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const report = decodePolicyState(text);
        if (report !== undefined) expect(report.v).toBe(1);
      }),
    );
    expect(decodePolicyState('{"v":2,"policies":[]}')).toBeUndefined();
    expect(decodePolicyState('{"v":1,"policies":[{"kind":"TrafficPolicy"}]}')).toBeUndefined();
    expect(decodePolicyState(undefined)).toBeUndefined();
  });
});
