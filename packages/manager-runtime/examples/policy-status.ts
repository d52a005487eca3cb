import { type PodView, reconcilePolicy } from '@ctrlmesh/manager-runtime';
import { encodePolicyState, type TrafficPolicyStatus } from '@ctrlmesh/traffic-policy';

const now = Date.parse('2026-01-01T00:00:00Z');
const app = {
  apiVersion: 'ctrlmesh.io/v1alpha1',
  name: 'web',
  namespace: 'team',
  uid: 'u',
  generation: 1,
  spec: { selector: { matchLabels: { app: 'web' } } },
};
const guard = {
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'TrafficPolicy',
  metadata: { name: 'guard', namespace: 'team', generation: 2 },
  spec: {
    targetVirtualApps: [{ name: 'web' }],
    circuitBreakers: [{ name: 'writes', consecutiveFailures: 5 }],
  },
};
// What each pod's proxy says in its ctrlmesh.io/TrafficPolicyState condition.
const pod = (name: string, generation: number, breaker: 'Closed' | 'Open'): PodView => ({
  name,
  labels: { app: 'web' },
  createdAt: now,
  deleting: false,
  ready: { status: 'True' },
  policyState: encodePolicyState([
    {
      kind: 'TrafficPolicy',
      name: 'guard',
      generation,
      rules: [{ name: 'writes', breaker, admitted: 10, rejected: { CircuitOpen: 3 } }],
    },
  ]),
});

const status = reconcilePolicy(
  { kind: 'TrafficPolicy', name: 'guard', namespace: 'team', generation: 2, object: guard },
  [{ app, spec: app.spec }],
  [pod('web-0', 2, 'Open'), pod('web-1', 2, 'Closed'), pod('web-2', 1, 'Closed')],
  now,
);
console.log(JSON.stringify((status as TrafficPolicyStatus).circuitBreakers));
// => [{"name":"writes","closedPods":2,"openPods":1,"halfOpenPods":0,"admitted":30,"rejected":9,"rejectedBy":{"circuitOpen":9}}]
console.log(status.conditions?.find((c) => c.type === 'Applied')?.message);
// => 2 of 3 live pods apply generation 2; web-2 (generation 1) applies an older generation
