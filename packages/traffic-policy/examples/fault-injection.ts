import { parseApiPath } from '@ctrlmesh/route-engine';
import {
  compilePolicySet,
  createFaultInjector,
  type FaultInjector,
  parseFaultInjection,
} from '@ctrlmesh/traffic-policy';

const injection = parseFaultInjection({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'FaultInjection',
  metadata: { name: 'chaos', namespace: 'ops' },
  spec: {
    targetVirtualApps: [{ name: 'sample-controller' }],
    faults: [
      {
        name: 'conflicts',
        match: [{ verbs: ['update'], resources: [{ apiGroups: [''], resources: ['configmaps'] }] }],
        probability: 0.2,
        abort: { code: 409 },
      },
      {
        name: 'throttle',
        match: [{ verbs: ['list'] }],
        probability: 1,
        maxCount: 1,
        windows: [{ start: '2026-12-04T00:00:00Z', end: '2026-12-05T00:00:00Z' }],
        abort: { code: 429, retryAfterSeconds: 2 },
      },
      { name: 'latency', probability: 0, delay: { milliseconds: 500 } },
    ],
  },
});
if (!injection.ok) throw new Error(JSON.stringify(injection.problems));

const set = compilePolicySet(
  { faultInjections: [injection.value] },
  { virtualApp: { name: 'sample-controller', namespace: 'ops' }, subset: '(default)' },
);
// One injector per fault keeps its count; the proxy keeps them beside the compiled set.
const injectors = new Map<string, FaultInjector>(
  set.faults.map((fault) => [fault.key, createFaultInjector(fault.plan)]),
);
const context = { namespaceLabels: () => ({}) };
const now = Date.parse('2026-12-04T12:00:00Z');

const decide = (method: string, url: string, draw: number) => {
  const request = parseApiPath(method, url);
  if (request.kind === 'invalid') return [];
  return set
    .match(request, context)
    .faults.map((fault) => injectors.get(fault.key)?.decide(now, () => draw))
    .map((decision) => (decision?.kind === 'abort' ? decision.status : decision));
};

console.log(JSON.stringify(decide('PUT', '/api/v1/namespaces/shop/configmaps/cart', 0.1)));
console.log(JSON.stringify(decide('PUT', '/api/v1/namespaces/shop/configmaps/cart', 0.5)));
console.log(JSON.stringify(decide('GET', '/api/v1/namespaces/shop/configmaps', 0.9)));
console.log(JSON.stringify(decide('GET', '/api/v1/namespaces/shop/configmaps', 0.9)));

// Output:
// [{"apiVersion":"v1","kind":"Status","metadata":{},"status":"Failure","message":"injected by FaultInjection ops/chaos fault conflicts","reason":"Conflict","code":409},{"kind":"none","reason":"NotDrawn"}]
// [{"kind":"none","reason":"NotDrawn"},{"kind":"none","reason":"NotDrawn"}]
// [{"apiVersion":"v1","kind":"Status","metadata":{},"status":"Failure","message":"injected by FaultInjection ops/chaos fault throttle","reason":"TooManyRequests","code":429,"details":{"retryAfterSeconds":2}},{"kind":"none","reason":"NotDrawn"}]
// [{"kind":"none","reason":"CountReached"},{"kind":"none","reason":"NotDrawn"}]
