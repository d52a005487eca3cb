import { compileRoutes, owner } from '@ctrlmesh/route-engine';
import { arbWorld, aVirtualApp } from '@ctrlmesh/route-engine/testing';
import fc from 'fast-check';

// Check a property of your own rule set on random worlds of namespaces and objects:
// nothing in a namespace labelled ns-type=system is ever seen by any subset.
const routes = compileRoutes(
  aVirtualApp({
    route: {
      globalLimits: [
        {
          namespaceSelector: {
            matchExpressions: [{ key: 'ns-type', operator: 'NotIn', values: ['system'] }],
          },
        },
      ],
    },
  }),
);

fc.assert(
  fc.property(arbWorld(), (world) =>
    world.targets
      .filter((target) => target.namespace?.labels['ns-type'] === 'system')
      .every((target) => owner(routes, target).kind === 'excluded'),
  ),
  { numRuns: 50, seed: 42 },
);
console.log('system namespaces stay fenced');

// Output:
// system namespaces stay fenced
