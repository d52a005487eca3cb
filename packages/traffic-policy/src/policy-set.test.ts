import { describe, expect, it } from 'vitest';
import { compilePolicySet, NO_RULES, type ProxyIdentity } from './policy-set.js';
import {
  aContext,
  aFaultInjection,
  aRequest,
  aResourceRequest,
  aTrafficPolicy,
} from './test-support/policies.js';

const proxy: ProxyIdentity = {
  virtualApp: { name: 'sample', namespace: 'ops', labels: { team: 'infra' } },
  subset: 'canary',
};

describe('compilePolicySet', () => {
  it('is empty without policies and answers every request with the one NO_RULES object', () => {
    const set = compilePolicySet({}, proxy);
    expect(set.empty).toBe(true);
    expect(set.match(aRequest('GET', '/api/v1/pods'), aContext())).toBe(NO_RULES);
    expect(Object.isFrozen(NO_RULES.rateLimits)).toBe(true);
  });

  it('keeps only the policies that target this VirtualApp, its namespace and its subset', () => {
    const limit = { rateLimits: [{ name: 'all', qps: 1 }] };
    const set = compilePolicySet(
      {
        trafficPolicies: [
          aTrafficPolicy(limit, 'by-name'),
          aTrafficPolicy(
            { ...limit, targetVirtualApps: [{ selector: { matchLabels: { team: 'infra' } } }] },
            'by-selector',
          ),
          aTrafficPolicy(
            { ...limit, targetVirtualApps: [{ name: 'sample', specificSubsets: ['canary'] }] },
            'subset',
          ),
          aTrafficPolicy({ ...limit, targetVirtualApps: [{ name: 'other' }] }, 'other-app'),
          aTrafficPolicy(
            { ...limit, targetVirtualApps: [{ name: 'sample', specificSubsets: ['(default)'] }] },
            'other-subset',
          ),
          aTrafficPolicy(
            {
              ...limit,
              targetVirtualApps: [{ name: 'sample', selector: { matchLabels: { team: 'web' } } }],
            },
            'both',
          ),
          {
            ...aTrafficPolicy(limit, 'elsewhere'),
            metadata: { name: 'elsewhere', namespace: 'dev' },
          },
        ],
      },
      proxy,
    );
    expect(set.rateLimits.map((rule) => rule.key)).toEqual([
      'TrafficPolicy/ops/by-name/all',
      'TrafficPolicy/ops/by-selector/all',
      'TrafficPolicy/ops/subset/all',
    ]);
  });

  it('answers which limits, breakers and faults apply to a request', () => {
    const set = compilePolicySet(
      {
        trafficPolicies: [
          aTrafficPolicy({
            rateLimits: [
              {
                name: 'writes',
                qps: 5,
                match: [{ verbs: ['create', 'update', 'patch', 'delete'] }],
              },
              { name: 'reads', qps: 50, match: [{ verbs: ['get', 'list'] }] },
            ],
            circuitBreakers: [
              {
                name: 'cm',
                consecutiveFailures: 3,
                match: [{ resources: [{ apiGroups: [''], resources: ['configmaps'] }] }],
              },
            ],
          }),
        ],
        faultInjections: [
          aFaultInjection({
            faults: [
              {
                name: 'conflict',
                probability: 0.2,
                abort: { code: 409 },
                match: [{ verbs: ['update'] }],
              },
              { name: 'cut', probability: 1, watch: { afterEvents: 50 } },
              { name: 'slow', probability: 1, slowList: { perItemMilliseconds: 1 } },
              { name: 'deny', probability: 1, admission: { deny: { message: 'no' } } },
            ],
          }),
        ],
      },
      proxy,
    );
    const names = (method: string, url: string) => {
      const matched = set.match(aRequest(method, url), aContext());
      return [...matched.rateLimits, ...matched.circuitBreakers, ...matched.faults].map(
        (r) => r.rule.name,
      );
    };
    expect(names('PUT', '/api/v1/namespaces/a/configmaps/c')).toEqual(['writes', 'cm', 'conflict']);
    expect(names('GET', '/api/v1/namespaces/a/configmaps')).toEqual(['reads', 'cm', 'slow']);
    expect(names('GET', '/api/v1/namespaces/a/configmaps?watch=1')).toEqual(['cm', 'cut']);
    expect(set.match(aRequest('GET', '/version'), aContext())).toBe(NO_RULES);
    expect(
      set
        .matchAdmission(aResourceRequest('POST', '/api/v1/namespaces/a/configmaps'), aContext())
        .map((f) => [f.kind, f.key]),
    ).toEqual([['admission', 'FaultInjection/ops/chaos/deny']]);
  });

  it('does not even look at the request when no request rule applies to the proxy', () => {
    const untouchable = new Proxy({} as never, {
      get: () => {
        throw new Error('the request was read');
      },
    });
    const onlyAdmission = compilePolicySet(
      {
        faultInjections: [
          aFaultInjection({
            faults: [{ name: 'd', probability: 1, admission: { deny: { message: 'no' } } }],
          }),
        ],
      },
      proxy,
    );
    for (const set of [compilePolicySet({}, proxy), onlyAdmission]) {
      expect(set.match(untouchable, untouchable)).toBe(NO_RULES);
    }
  });

  it('returns NO_RULES when policies exist but none matches the request', () => {
    const set = compilePolicySet(
      {
        trafficPolicies: [
          aTrafficPolicy({ rateLimits: [{ name: 'w', qps: 1, match: [{ verbs: ['delete'] }] }] }),
        ],
      },
      proxy,
    );
    expect(set.empty).toBe(false);
    expect(set.match(aRequest('GET', '/api/v1/pods'), aContext())).toBe(NO_RULES);
  });

  it('treats a policy without breakers as having none (the original panicked)', () => {
    const set = compilePolicySet(
      { trafficPolicies: [aTrafficPolicy({ rateLimits: [{ name: 'w', qps: 1 }] })] },
      proxy,
    );
    expect(
      set.match(aRequest('PUT', '/api/v1/namespaces/a/pods/p'), aContext()).circuitBreakers,
    ).toEqual([]);
  });
});
