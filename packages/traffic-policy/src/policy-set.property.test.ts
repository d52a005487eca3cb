import { arbResourceRequest } from '@ctrlmesh/route-engine/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicySet, NO_RULES, type ProxyIdentity } from './policy-set.js';
import { aContext, aTrafficPolicy } from './test-support/policies.js';

const proxy = (name: string, subset: string): ProxyIdentity => ({
  virtualApp: { name, namespace: 'ops' },
  subset,
});

const policy = aTrafficPolicy({
  targetVirtualApps: [{ name: 'sample', specificSubsets: ['canary'] }],
  rateLimits: [{ name: 'all', qps: 1 }],
  circuitBreakers: [{ name: 'all-failures', consecutiveFailures: 1 }],
});

describe('policy set invariants', () => {
  it('applies a rule without match to every request of the proxies it targets', () => {
    const set = compilePolicySet({ trafficPolicies: [policy] }, proxy('sample', 'canary'));
    fc.assert(
      fc.property(arbResourceRequest(), (request) => {
        const matched = set.match(request, aContext());
        expect(matched.rateLimits.length).toBe(1);
        expect(matched.circuitBreakers.length).toBe(1);
      }),
    );
  });

  it('applies no rule to any request of a proxy it does not target', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          proxy('sample', 'stable'),
          proxy('other', 'canary'),
          proxy('sample', '(default)'),
        ),
        arbResourceRequest(),
        (other, request) => {
          const set = compilePolicySet({ trafficPolicies: [policy] }, other);
          expect(set.empty).toBe(true);
          expect(set.match(request, aContext())).toBe(NO_RULES);
        },
      ),
    );
  });
});
