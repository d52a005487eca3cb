import { parseApiPath } from '@ctrlmesh/route-engine';
import {
  compilePolicySet,
  NO_RULES,
  parseTrafficPolicy,
  type RequestContext,
} from '@ctrlmesh/traffic-policy';

const policy = parseTrafficPolicy({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'TrafficPolicy',
  metadata: { name: 'protect', namespace: 'ops' },
  spec: {
    targetVirtualApps: [{ name: 'sample-controller', specificSubsets: ['canary'] }],
    rateLimits: [
      {
        name: 'canary-writes',
        qps: 5,
        match: [
          {
            verbs: ['create', 'update', 'patch', 'delete'],
            namespaceSelector: { matchLabels: { stage: 'canary' } },
          },
        ],
      },
      { name: 'discovery', qps: 1, match: [{ nonResourcePaths: ['/apis/*', '/api'] }] },
    ],
  },
});
if (!policy.ok) throw new Error(JSON.stringify(policy.problems));

const canary = compilePolicySet(
  { trafficPolicies: [policy.value] },
  { virtualApp: { name: 'sample-controller', namespace: 'ops' }, subset: 'canary' },
);
const labels: Record<string, Record<string, string>> = { shop: { stage: 'canary' }, billing: {} };
const context: RequestContext = {
  userAgent: 'sample-controller/v2',
  namespaceLabels: (name) => labels[name],
};
const rulesFor = (method: string, url: string) => {
  const request = parseApiPath(method, url);
  if (request.kind === 'invalid') return 'invalid';
  return JSON.stringify(canary.match(request, context).rateLimits.map((rule) => rule.key));
};
console.log(rulesFor('PUT', '/api/v1/namespaces/shop/configmaps/cart'));
console.log(rulesFor('PUT', '/api/v1/namespaces/billing/configmaps/cart'));
console.log(rulesFor('GET', '/apis/apps/v1'));

// The stable subset is not targeted: its set is empty and costs one check per request.
const stable = compilePolicySet(
  { trafficPolicies: [policy.value] },
  { virtualApp: { name: 'sample-controller', namespace: 'ops' }, subset: 'stable' },
);
const request = parseApiPath('PUT', '/api/v1/namespaces/shop/configmaps/cart');
if (request.kind !== 'invalid')
  console.log(stable.empty, stable.match(request, context) === NO_RULES);

// Output:
// ["TrafficPolicy/ops/protect/canary-writes"]
// []
// ["TrafficPolicy/ops/protect/discovery"]
// true true
