import { parseApiPath, type ResourceRequest } from '@ctrlmesh/route-engine';
import {
  compilePolicySet,
  createWatchCutter,
  decideFault,
  parseFaultInjection,
} from '@ctrlmesh/traffic-policy';

const injection = parseFaultInjection({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'FaultInjection',
  metadata: { name: 'flaky-api', namespace: 'ops' },
  spec: {
    targetVirtualApps: [{ name: 'sample-controller' }],
    faults: [
      { name: 'cut-watches', probability: 1, watch: { afterEvents: 2 } },
      {
        name: 'slow-lists',
        probability: 1,
        slowList: { milliseconds: 50, perItemMilliseconds: 2 },
      },
      {
        name: 'deny-deletes',
        probability: 1,
        match: [{ verbs: ['delete'] }],
        admission: { deny: { message: 'deletes are frozen for the drill' } },
      },
    ],
  },
});
if (!injection.ok) throw new Error(JSON.stringify(injection.problems));
const set = compilePolicySet(
  { faultInjections: [injection.value] },
  { virtualApp: { name: 'sample-controller', namespace: 'ops' }, subset: '(default)' },
);
const context = { namespaceLabels: () => ({}) };
// Probability 1 fires on any draw in [0, 1); the examples hand in a constant one.
const request = (method: string, url: string) => parseApiPath(method, url) as ResourceRequest;

// A watch: two events pass, then the proxy ends it with a 410 Expired ERROR event.
const [watchFault] = set.match(request('GET', '/api/v1/configmaps?watch=1'), context).faults;
const watch = watchFault && decideFault(watchFault.plan, { now: 0, random: () => 0.5, fired: 0 });
if (watch?.kind === 'watch') {
  const cutter = createWatchCutter(watch.plan);
  console.log([1, 2, 3].map((t) => JSON.stringify(cutter.onEvent(t))).join(' '));
  console.log(JSON.stringify({ type: 'ERROR', object: watch.plan.status }));
}

// A list of 100 items is held 50 + 2 * 100 ms.
const [listFault] = set.match(request('GET', '/api/v1/configmaps'), context).faults;
const list = listFault && decideFault(listFault.plan, { now: 0, random: () => 0.5, fired: 0 });
if (list?.kind === 'slowList') console.log(list.delayFor(100));

// Admission faults are asked for separately, on the webhook front.
const [admission] = set.matchAdmission(request('DELETE', '/api/v1/namespaces/a/pods/p'), context);
const denial = admission && decideFault(admission.plan, { now: 0, random: () => 0.5, fired: 0 });
if (denial?.kind === 'abort') console.log(denial.status.code, denial.status.message);

// Output:
// {"forward":true,"cut":false} {"forward":true,"cut":true} {"forward":false,"cut":true}
// {"type":"ERROR","object":{"apiVersion":"v1","kind":"Status","metadata":{},"status":"Failure","message":"injected by FaultInjection ops/flaky-api fault cut-watches","reason":"Expired","code":410}}
// 250
// 403 deletes are frozen for the drill
