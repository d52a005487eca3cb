import {
  encodePolicyState,
  type PolicyState,
  type TrafficPolicyStatus,
} from '@ctrlmesh/traffic-policy';
import { describe, expect, it } from 'vitest';
import { aPod, aVirtualApp, T0 } from '../test-support/builders.js';
import { type PolicyView, reconcilePolicy } from './policy-status.js';
import type { PodView } from './views.js';

const NS = 'operators';
const apps = [{ app: aVirtualApp(), spec: aVirtualApp().spec }];

const breakerPolicy = (generation: number, spec: Record<string, unknown> = {}): PolicyView => ({
  kind: 'TrafficPolicy',
  name: 'guard',
  namespace: NS,
  generation,
  object: {
    apiVersion: 'ctrlmesh.io/v1alpha1',
    kind: 'TrafficPolicy',
    metadata: { name: 'guard', namespace: NS, generation },
    spec: {
      targetVirtualApps: [{ name: 'web' }],
      rateLimits: [{ name: 'writes', qps: 5 }],
      circuitBreakers: [{ name: 'errors', consecutiveFailures: 3 }],
      ...spec,
    },
  },
});

const reporting = (pod: PodView, ...policies: PolicyState[]): PodView => ({
  ...pod,
  policyState: encodePolicyState(policies),
});

const guardState = (
  generation: number,
  breaker: 'Closed' | 'Open' | 'HalfOpen',
  admitted: number,
  rejected: Record<string, number> = {},
): PolicyState => ({
  kind: 'TrafficPolicy',
  name: 'guard',
  generation,
  rules: [
    { name: 'errors', breaker, admitted, rejected },
    { name: 'writes', admitted, rejected: { RateLimited: 1 } },
  ],
});

describe('reconcilePolicy', () => {
  it('sums the reports of every selected pod, counts breakers by state, and says all pods apply it', () => {
    const status = reconcilePolicy(
      breakerPolicy(2),
      apps,
      [
        reporting(aPod('web-v1-a'), guardState(2, 'Open', 10, { CircuitOpen: 4 })),
        reporting(aPod('web-v2-a'), guardState(2, 'Closed', 5)),
        // Not of this VirtualApp: never counted.
        reporting(aPod('other', { labels: { app: 'other' } }), guardState(2, 'Open', 99)),
      ],
      T0,
    );
    expect(status).toMatchObject({
      observedGeneration: 2,
      podsSelected: 2,
      podsReporting: 2,
      rateLimits: [{ name: 'writes', admitted: 15, rejected: 2, rejectedBy: { rateLimited: 2 } }],
      circuitBreakers: [
        {
          name: 'errors',
          closedPods: 1,
          openPods: 1,
          halfOpenPods: 0,
          admitted: 15,
          rejected: 4,
          rejectedBy: { circuitOpen: 4 },
        },
      ],
    });
    expect(status.conditions).toEqual([
      expect.objectContaining({ type: 'Accepted', status: 'True', reason: 'Valid' }),
      expect.objectContaining({
        type: 'Applied',
        status: 'True',
        reason: 'AllPodsReport',
        message: 'all 2 live pods apply generation 2',
        observedGeneration: 2,
      }),
    ]);
  });

  it('names the pods that apply an older generation or report nothing, and leaves out pods not live', () => {
    const status = reconcilePolicy(
      breakerPolicy(3),
      apps,
      [
        reporting(aPod('web-v1-a'), guardState(3, 'Closed', 1)),
        reporting(aPod('web-v1-b'), guardState(2, 'Closed', 1)),
        { ...aPod('web-v1-c'), policyState: 'not json at all' },
        aPod('web-v1-d'),
        aPod('web-v1-gone', { deleting: true }),
        aPod('web-v1-starting', { ready: { status: 'False', since: T0 } }),
      ],
      T0,
    );
    expect(status.podsSelected).toBe(4);
    expect(status.podsReporting).toBe(1);
    expect(status.laggingPods).toEqual(['web-v1-b', 'web-v1-c', 'web-v1-d']);
    expect(status.conditions?.[1]).toMatchObject({
      type: 'Applied',
      status: 'False',
      reason: 'PodsLagging',
      message:
        '1 of 4 live pods apply generation 3; web-v1-b (generation 2) applies an older generation; web-v1-c, web-v1-d report nothing for it yet',
    });
    // The older generation's counts still count: that pod enforces it.
    expect((status as TrafficPolicyStatus).circuitBreakers?.[0]).toMatchObject({
      closedPods: 2,
      admitted: 2,
    });
  });

  it('selects the pods of the subsets a policy targets only', () => {
    const status = reconcilePolicy(
      breakerPolicy(1, { targetVirtualApps: [{ name: 'web', specificSubsets: ['v2'] }] }),
      apps,
      [aPod('web-v1-a'), aPod('web-v2-a')],
      T0,
    );
    expect(status.laggingPods).toEqual(['web-v2-a']);
  });

  it('refuses an invalid spec with every problem, and keeps counting the pods that apply the last good one', () => {
    const status = reconcilePolicy(
      breakerPolicy(4, { rateLimits: [{ name: 'writes', qps: -1 }] }),
      apps,
      [reporting(aPod('web-v1-a'), guardState(3, 'Open', 7)), aPod('web-v1-b')],
      T0,
    );
    expect(status.conditions?.[0]).toMatchObject({
      type: 'Accepted',
      status: 'False',
      reason: 'InvalidSpec',
    });
    expect(status.conditions?.[0]?.message).toContain('spec.rateLimits[0].qps');
    expect(status.conditions?.[1]).toMatchObject({ type: 'Applied', reason: 'NotAccepted' });
    expect(status.podsSelected).toBe(1);
    expect((status as TrafficPolicyStatus).circuitBreakers).toEqual([
      expect.objectContaining({ name: 'errors', openPods: 1, admitted: 7 }),
    ]);
  });

  it('counts the faults a FaultInjection injected, by fault, with its kind', () => {
    const status = reconcilePolicy(
      {
        kind: 'FaultInjection',
        name: 'chaos',
        namespace: NS,
        generation: 1,
        object: {
          apiVersion: 'ctrlmesh.io/v1alpha1',
          kind: 'FaultInjection',
          metadata: { name: 'chaos', namespace: NS, generation: 1 },
          spec: {
            targetVirtualApps: [{ name: 'web' }],
            faults: [
              { name: 'conflicts', probability: 0.2, abort: { code: 409 } },
              { name: 'slow', probability: 0.1, delay: { milliseconds: 5 } },
            ],
          },
        },
      },
      apps,
      [
        reporting(aPod('web-v1-a'), {
          kind: 'FaultInjection',
          name: 'chaos',
          generation: 1,
          rules: [{ name: 'conflicts', injected: { abort: 3 } }, { name: 'slow' }],
        }),
        reporting(aPod('web-v2-a'), {
          kind: 'FaultInjection',
          name: 'chaos',
          generation: 1,
          rules: [{ name: 'conflicts', injected: { abort: 2 } }],
        }),
      ],
      T0,
    );
    expect(status).toMatchObject({
      podsSelected: 2,
      podsReporting: 2,
      faults: [
        { name: 'conflicts', kind: 'abort', injected: 5 },
        { name: 'slow', kind: 'delay', injected: 0 },
      ],
    });
  });

  it('says Applied when no live pod is targeted', () => {
    const status = reconcilePolicy(breakerPolicy(1), apps, [], T0);
    expect(status.conditions?.[1]).toMatchObject({ status: 'True', reason: 'NoPods' });
  });
});
