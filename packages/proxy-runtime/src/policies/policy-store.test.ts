import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type BreakerStateChange, breakerState } from '../observe/channels.js';
import { canarySnapshot } from '../test-support/exchanges.js';
import { aFaultInjection, aTrafficPolicy, policiesFor } from '../test-support/policies.js';
import { parsePolicyDocuments } from './policy-documents.js';
import { identityOf, NO_POLICIES } from './policy-store.js';

const documents = (...docs: unknown[]) => {
  const parsed = parsePolicyDocuments(docs.map((d) => stringify(d)).join('---\n'));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.value;
};

const limit = (qps: number) => aTrafficPolicy('protect', { rateLimits: [{ name: 'all', qps }] });

describe('PolicyStore', () => {
  it('applies only the policies that target its VirtualApp and subset', () => {
    const canaryOnly = aTrafficPolicy('canary', {
      targetVirtualApps: [{ name: 'sample', specificSubsets: ['v2'] }],
      rateLimits: [{ name: 'all', qps: 1 }],
    });
    const stable = policiesFor([canaryOnly], { podLabels: { app: 'sample' } });
    const canary = policiesFor([canaryOnly], { podLabels: { app: 'sample', version: 'v2' } });
    expect(stable.current().empty).toBe(true);
    expect([...canary.current().limiters.keys()]).toEqual([
      'TrafficPolicy/ctrlmesh-system/canary/all',
    ]);
  });

  it('applies nothing without routes: it does not know whom it serves', () => {
    const store = policiesFor([limit(1)]);
    store.setIdentity(undefined);
    expect(store.current()).toBe(NO_POLICIES);
  });

  it("keeps an unchanged rule's state across updates and starts a changed one afresh", () => {
    const store = policiesFor([limit(1)]);
    const key = 'TrafficPolicy/ctrlmesh-system/protect/all';
    const before = store.current().limiters.get(key);
    expect(before?.tryAcquire(0).admitted).toBe(true);
    store.setDocuments(
      documents(
        limit(1),
        aFaultInjection('chaos', [{ name: 'slow', probability: 0, delay: { milliseconds: 1 } }]),
      ),
    );
    expect(store.current().limiters.get(key)).toBe(before);
    expect(store.current().limiters.get(key)?.tryAcquire(0).admitted).toBe(false);
    store.setDocuments(documents(limit(2)));
    expect(store.current().limiters.get(key)).not.toBe(before);
    expect(store.current().injectors.size).toBe(0);
  });

  it("names the policies that apply with their generation, and keeps a rule's count while the rule exists", () => {
    const store = policiesFor([
      { ...limit(1), metadata: { name: 'protect', namespace: 'ctrlmesh-system', generation: 4 } },
      aTrafficPolicy('other', { targetVirtualApps: [{ name: 'another' }] }),
      aTrafficPolicy('empty', {}),
    ]);
    expect(store.applied()).toEqual([
      { kind: 'TrafficPolicy', name: 'protect', generation: 4 },
      { kind: 'TrafficPolicy', name: 'empty', generation: 0 },
    ]);
    const key = 'TrafficPolicy/ctrlmesh-system/protect/all';
    const count = store.current().admitted.get(key);
    if (count !== undefined) count.count = 7;
    store.setDocuments(documents(limit(2)));
    expect(store.current().admitted.get(key)).toEqual({ count: 7 });
    store.setDocuments(documents());
    store.setDocuments(documents(limit(2)));
    expect(store.current().admitted.get(key)).toEqual({ count: 0 });
  });

  it('recompiles when its identity changes, and not when it is the same', () => {
    const store = policiesFor([limit(1)]);
    const active = store.current();
    store.setIdentity(identityOf(canarySnapshot({ app: 'sample' }), 'x'));
    expect(store.current()).toBe(active);
    store.setIdentity(identityOf(canarySnapshot({ app: 'sample', version: 'v2' }), 'x'));
    expect(store.current()).not.toBe(active);
  });

  it('says which state each breaker is in when it appears, changes and goes', () => {
    const seen: BreakerStateChange[] = [];
    const stop = breakerState.subscribe((m) => seen.push(m));
    try {
      const store = policiesFor([
        aTrafficPolicy('protect', {
          circuitBreakers: [{ name: 'writes', mode: 'ForceOpen' }],
        }),
      ]);
      store.setDocuments(documents());
      expect(seen.map((m) => `${m.policy} ${m.rule} ${m.state} ${m.reason}`)).toEqual([
        'ctrlmesh-system/protect writes Open Created',
        'ctrlmesh-system/protect writes Closed Removed',
      ]);
    } finally {
      stop();
    }
  });
});
