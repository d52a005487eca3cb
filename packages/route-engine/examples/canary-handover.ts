import {
  compileRoutes,
  DEFAULT_SUBSET,
  explainHandover,
  handoverDecide,
  handoverOwner,
  type RoutingState,
  type Target,
} from '@ctrlmesh/route-engine';
import { aVirtualApp } from '@ctrlmesh/route-engine/testing';

// Revision "sample-1" gives v2 the canary namespaces; revision "sample-2" also the beta ones.
const revision = (namespaceRegex: string) =>
  compileRoutes(
    aVirtualApp({
      route: { subRules: [{ name: 'canary', match: [{ namespaceRegex }] }] },
      subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary'] }],
    }),
  );
const names = { previousRevision: 'sample-1', currentRevision: 'sample-2' };
const previous = revision('^canary');
const current = revision('^(canary|beta)');

const pod = (namespace: string): Target => ({
  group: '',
  resource: 'pods',
  namespace: { name: namespace, labels: {} },
  objectLabels: {},
});

// The manager publishes Revoking first, and Settled once every live pod applied Revoking.
const revoking: RoutingState = { phase: 'Revoking', previous, current, ...names };
const settled: RoutingState = { phase: 'Settled', previous, current, ...names };

console.log(JSON.stringify(handoverOwner(revoking, pod('canary-1'))));
console.log(JSON.stringify(handoverOwner(revoking, pod('beta-1'))));
// Neither the old owner nor the new one may touch it until Settled: never two owners.
for (const subset of [DEFAULT_SUBSET, 'v2']) {
  console.log(subset, handoverDecide(revoking, pod('beta-1'), subset).kind);
}
console.log(JSON.stringify(handoverOwner(settled, pod('beta-1'))));
console.log(explainHandover(revoking, pod('beta-1')).reasons.at(-1));

// Output:
// {"kind":"owned","subset":"v2"}
// {"kind":"revoked","previous":{"kind":"owned","subset":"(default)"},"current":{"kind":"owned","subset":"v2"}}
// (default) revoked
// v2 revoked
// {"kind":"owned","subset":"v2"}
// handover: revision "sample-1" says subset "(default)" owns it, revision "sample-2" says subset "v2" owns it: no owner until Settled
