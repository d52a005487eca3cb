import {
  breakerConfigFor,
  createCircuitBreaker,
  parseTrafficPolicy,
} from '@ctrlmesh/traffic-policy';

const policy = parseTrafficPolicy({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'TrafficPolicy',
  metadata: { name: 'breakers', namespace: 'ops' },
  spec: {
    targetVirtualApps: [{ name: 'sample-controller' }],
    circuitBreakers: [
      {
        name: 'writes',
        match: [{ verbs: ['create', 'update', 'patch'] }],
        errorRate: { percent: 50, windowSeconds: 10, minimumRequests: 4 },
        openSeconds: 5,
        halfOpenProbes: 2,
      },
    ],
  },
});
if (!policy.ok) throw new Error(JSON.stringify(policy.problems));

const rule = policy.value.spec.circuitBreakers?.[0];
if (rule === undefined) throw new Error('no breaker');
const breaker = createCircuitBreaker(breakerConfigFor(rule), {
  onTransition: (t) => console.log(`${t.from} -> ${t.to} (${t.reason}) at ${t.at}`),
});
const send = (now: number, code: number) => {
  const permit = breaker.tryAcquire(now);
  if (permit.admitted) permit.report({ code }, now);
  return permit.admitted ? `sent${permit.probe ? ' (probe)' : ''}` : JSON.stringify(permit);
};

for (const [now, code] of [
  [0, 200],
  [10, 500],
  [20, 503],
  [30, 500],
] as const)
  send(now, code);
console.log(send(1_000, 200));
console.log(breaker.state(5_030));
console.log(send(5_030, 200), send(5_031, 200));

// Output:
// Closed -> Open (ErrorRate) at 30
// {"admitted":false,"state":"Open","retryAfterSeconds":5}
// Open -> HalfOpen (OpenElapsed) at 5030
// HalfOpen
// HalfOpen -> Closed (ProbesSucceeded) at 5031
// sent (probe) sent (probe)
