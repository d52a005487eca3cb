import { encodePolicyState, type PolicyState } from '@ctrlmesh/traffic-policy';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aPod, aVirtualApp, T0 } from '../test-support/builders.js';
import { aggregatePolicyReports, type PodPolicyReport, reconcilePolicy } from './policy-status.js';
import type { PodView } from './views.js';

const RULES = { rateLimits: ['writes'], circuitBreakers: ['errors', 'reads'], faults: [] };
const count = fc.nat({ max: 1000 });
const ruleState = (name: string) =>
  fc.record(
    {
      name: fc.constant(name),
      breaker: fc.constantFrom('Closed', 'Open', 'HalfOpen' as const),
      admitted: count,
      rejected: fc.record(
        { RateLimited: count, TooManyInFlight: count, CircuitOpen: count },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['name'] },
  );
const state: fc.Arbitrary<PolicyState | undefined> = fc.option(
  fc.record({
    kind: fc.constant('TrafficPolicy' as const),
    name: fc.constant('guard'),
    generation: fc.integer({ min: 1, max: 3 }),
    rules: fc
      .subarray(['writes', 'errors', 'reads', 'gone'])
      .chain((names) => fc.tuple(...names.map(ruleState))),
  }),
  { nil: undefined },
);
const reports = fc.uniqueArray(fc.record({ pod: fc.stringMatching(/^p[0-9]{1,2}$/), state }), {
  selector: (r) => r.pod,
  maxLength: 12,
}) as fc.Arbitrary<PodPolicyReport[]>;

const total = (values: (number | undefined)[]) => values.reduce<number>((t, n) => t + (n ?? 0), 0);

describe('aggregatePolicyReports', () => {
  it('counts every selected pod once, as reporting the current generation or lagging', () => {
    fc.assert(
      fc.property(reports, fc.integer({ min: 1, max: 3 }), (list, generation) => {
        const status = aggregatePolicyReports('TrafficPolicy', generation, RULES, list);
        expect(status.podsSelected).toBe(list.length);
        expect((status.podsReporting ?? 0) + (status.laggingPods?.length ?? 0)).toBe(list.length);
        expect(status.podsReporting).toBe(
          list.filter((r) => r.state?.generation === generation).length,
        );
      }),
    );
  });

  it('sums each rule over the pods that report it, and counts each such pod in one breaker state', () => {
    fc.assert(
      fc.property(reports, (list) => {
        const status = aggregatePolicyReports('TrafficPolicy', 2, RULES, list);
        if (!('circuitBreakers' in status)) throw new Error('a TrafficPolicy status');
        for (const breaker of status.circuitBreakers ?? []) {
          const states = list.flatMap(
            (r) => r.state?.rules.filter((rule) => rule.name === breaker.name) ?? [],
          );
          expect(
            (breaker.closedPods ?? 0) + (breaker.openPods ?? 0) + (breaker.halfOpenPods ?? 0),
          ).toBe(states.filter((rule) => rule.breaker !== undefined).length);
          expect(breaker.admitted).toBe(total(states.map((rule) => rule.admitted)));
          expect(breaker.rejected).toBe(
            total(states.flatMap((rule) => Object.values(rule.rejected ?? {}))),
          );
          expect(breaker.rejected).toBe(total(Object.values(breaker.rejectedBy ?? {})));
        }
        // Rules the spec does not have are never listed.
        expect(status.circuitBreakers?.map((b) => b.name)).toEqual(['errors', 'reads']);
      }),
    );
  });

  it('is the same whatever the order the pods come in', () => {
    fc.assert(
      fc.property(reports, (list) => {
        expect(aggregatePolicyReports('TrafficPolicy', 2, RULES, [...list].reverse())).toEqual(
          aggregatePolicyReports('TrafficPolicy', 2, RULES, list),
        );
      }),
    );
  });
});

describe('reconcilePolicy with whatever pods say', () => {
  it('never throws on a missing or garbled report, and counts it as lagging', () => {
    const policy = {
      kind: 'TrafficPolicy' as const,
      name: 'guard',
      namespace: 'operators',
      generation: 2,
      object: {
        apiVersion: 'ctrlmesh.io/v1alpha1',
        kind: 'TrafficPolicy',
        metadata: { name: 'guard', namespace: 'operators', generation: 2 },
        spec: {
          targetVirtualApps: [{ name: 'web' }],
          circuitBreakers: [{ name: 'errors', consecutiveFailures: 3 }],
        },
      },
    };
    const message = fc.oneof(
      fc.constant(undefined),
      fc.string(),
      fc.json(),
      state.map((s) => encodePolicyState(s === undefined ? [] : [s])),
    );
    fc.assert(
      fc.property(fc.array(message, { maxLength: 8 }), (messages) => {
        const pods: PodView[] = messages.map((policyState, i) => ({
          ...aPod(`web-v1-${i}`),
          policyState,
        }));
        const app = aVirtualApp();
        const status = reconcilePolicy(policy, [{ app, spec: app.spec }], pods, T0);
        expect(status.podsSelected).toBe(pods.length);
        const current = messages.filter((m) => {
          try {
            const parsed = JSON.parse(m ?? '') as { policies?: { generation?: number }[] };
            return parsed.policies?.[0]?.generation === 2;
          } catch {
            return false;
          }
        }).length;
        expect(status.podsReporting).toBe(current);
      }),
    );
  });
});
