import { describe, expect, it } from 'vitest';
import { parseTrafficPolicy } from './parse-traffic-policy.js';

const policy = (spec: Record<string, unknown>) => ({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'TrafficPolicy',
  metadata: { name: 'protect', namespace: 'ops' },
  spec: { targetVirtualApps: [{ name: 'sample' }], ...spec },
});

const problemsOf = (input: unknown) => {
  const result = parseTrafficPolicy(input);
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
};

describe('parseTrafficPolicy', () => {
  it('accepts a policy with a rate limit and a breaker and fills in the defaults', () => {
    const result = parseTrafficPolicy(
      policy({
        rateLimits: [
          {
            name: 'writes',
            match: [
              {
                verbs: ['create', 'update'],
                resources: [{ apiGroups: [''], resources: ['configmaps'] }],
              },
            ],
            qps: 5,
            burst: 10,
          },
        ],
        circuitBreakers: [{ name: 'all', errorRate: { percent: 50 } }],
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.spec.circuitBreakers?.[0]).toEqual({
      name: 'all',
      mode: 'Auto',
      errorRate: { percent: 50, windowSeconds: 10, minimumRequests: 10 },
      openSeconds: 30,
      halfOpenProbes: 3,
    });
  });

  it('reports every problem at once, each with its path', () => {
    expect(
      problemsOf(
        policy({
          targetVirtualApps: [{ specificSubsets: ['Canary'] }],
          rateLimits: [
            { name: 'a', burst: 3 },
            { name: 'a', qps: 1, match: [{}] },
            {
              name: 'b',
              qps: 1,
              match: [{ resources: [{ apiGroups: [''], resources: ['po*'] }] }],
            },
          ],
          circuitBreakers: [{ name: 'c', failureCodes: ['5xx', '6xx'] }],
        }),
      ),
    ).toEqual([
      'spec.targetVirtualApps[0]: set name or selector: a target without either would select every VirtualApp',
      'spec.targetVirtualApps[0].specificSubsets[0]: subset "Canary" must be a DNS label (lowercase letters, digits, "-")',
      'spec.rateLimits[0]: set qps or maxInFlight: a rate limit without either limits nothing',
      'spec.rateLimits[0].burst: burst needs qps',
      'spec.rateLimits[1].name: duplicate name "a" (first at rateLimits[0])',
      'spec.rateLimits[1].match[0]: match entry sets nothing; leave match out to match every request',
      'spec.rateLimits[2].match[0].resources[0].resources[0]: in "po*": resource "po*" must be "*" or a lowercase name (letters, digits, "-")',
      'spec.circuitBreakers[0]: set errorRate or consecutiveFailures: an Auto breaker without either never trips',
      'spec.circuitBreakers[0].failureCodes[1]: "6xx" is not a code (503), a class (5xx) or "transport"',
    ]);
  });

  it('refuses a breaker named as a rate limit: a rule name keys its state, metrics and status', () => {
    expect(
      problemsOf(
        policy({
          rateLimits: [{ name: 'writes', qps: 5 }],
          circuitBreakers: [
            { name: 'reads', consecutiveFailures: 3 },
            { name: 'writes', consecutiveFailures: 3 },
          ],
        }),
      ),
    ).toEqual([
      'spec.circuitBreakers[1].name: "writes" is the name of rateLimits[0] too: rule names are unique in a policy (they name its state, metrics and status)',
    ]);
  });

  it('reports structural problems beside semantic ones', () => {
    expect(
      problemsOf(policy({ rateLimits: [{ name: 'x', qps: 0, maxInFlight: 'many' }], extra: 1 })),
    ).toEqual([
      'spec.rateLimits[0].maxInFlight: Invalid input: expected number, received string',
      'spec: Unrecognized key: "extra"',
      'spec.rateLimits[0].qps: qps must be greater than 0',
    ]);
  });

  it('refuses resources mixed with non-resource paths, bad paths and bad selectors', () => {
    expect(
      problemsOf(
        policy({
          targetVirtualApps: [{ selector: { matchLabels: { 'bad key!': 'x' } } }],
          rateLimits: [
            {
              name: 'x',
              qps: 1,
              match: [
                { nonResourcePaths: ['/healthz', 'metrics', '/a*b'], namespaces: ['ns'] },
                {
                  namespaceSelector: { matchExpressions: [{ key: 'k', operator: 'In' }] },
                  verbs: [],
                },
              ],
            },
          ],
        }),
      ),
    ).toEqual([
      expect.stringMatching(/^spec\.targetVirtualApps\[0\]\.selector\.matchLabels\.bad key!: /),
      'spec.rateLimits[0].match[0].namespaces: namespaces cannot be combined with nonResourcePaths',
      'spec.rateLimits[0].match[0].nonResourcePaths[1]: non-resource path "metrics" must start with "/"',
      'spec.rateLimits[0].match[0].nonResourcePaths[2]: non-resource path "/a*b" may only end in "/*" (a prefix)',
      'spec.rateLimits[0].match[1].verbs: verbs must not be empty; leave it out to match any',
      expect.stringMatching(
        /^spec\.rateLimits\[0\]\.match\[1\]\.namespaceSelector\.matchExpressions\[0\]/,
      ),
    ]);
  });

  it('refuses an empty specificSubsets, which the original read as every subset', () => {
    expect(
      problemsOf(policy({ targetVirtualApps: [{ name: 'sample', specificSubsets: [] }] })),
    ).toEqual([
      'spec.targetVirtualApps[0].specificSubsets: specificSubsets must not be empty; leave it out for every subset',
    ]);
  });

  it('refuses another apiVersion or kind', () => {
    expect(
      problemsOf({ ...policy({}), apiVersion: 'ctrlmesh.kruise.io/v1alpha1', kind: 'Policy' }),
    ).toEqual([
      'apiVersion: Invalid input: expected "ctrlmesh.io/v1alpha1"',
      'kind: Invalid input: expected "TrafficPolicy"',
    ]);
  });
});
