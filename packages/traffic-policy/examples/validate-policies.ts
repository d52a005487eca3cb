import { parseFaultInjection, parseTrafficPolicy } from '@ctrlmesh/traffic-policy';

const policy = parseTrafficPolicy({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'TrafficPolicy',
  metadata: { name: 'protect-apiserver', namespace: 'ops' },
  spec: {
    targetVirtualApps: [{ name: 'sample-controller' }],
    rateLimits: [{ name: 'all', qps: 5, burst: 10, maxInFlight: 20 }],
    circuitBreakers: [{ name: 'writes', consecutiveFailures: 5, match: [{ verbs: ['update'] }] }],
  },
});
console.log(policy.ok && JSON.stringify(policy.value.spec.circuitBreakers));

const broken = parseFaultInjection({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'FaultInjection',
  metadata: { name: 'chaos', namespace: 'ops' },
  spec: {
    targetVirtualApps: [{ name: 'sample-controller' }],
    faults: [
      { name: 'conflicts', probability: 0.2, abort: { code: 409, reason: 'InternalError' } },
      { name: 'slow', probability: 2, delay: { minMilliseconds: 50, maxMilliseconds: 10 } },
    ],
  },
});
if (!broken.ok) for (const { path, message } of broken.problems) console.log(`${path}: ${message}`);

// Output:
// [{"name":"writes","match":[{"verbs":["update"]}],"mode":"Auto","consecutiveFailures":5,"openSeconds":30,"halfOpenProbes":3}]
// spec.faults[1].probability: Too big: expected number to be <=1
// spec.faults[0].abort.reason: reason InternalError goes with code 500, not 409; clients read the two differently
// spec.faults[1].delay: minMilliseconds 50 is more than maxMilliseconds 10
