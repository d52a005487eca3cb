import { compileRoutes, decide, owner, type Target } from '@ctrlmesh/route-engine';
import { aVirtualApp } from '@ctrlmesh/route-engine/testing';

// Two shards split objects by label; objects without a shard label go to the default subset.
const routes = compileRoutes(
  aVirtualApp({
    route: {
      subRules: ['a', 'b'].map((shard) => ({
        name: `shard-${shard}`,
        match: [{ objectSelector: { matchLabels: { shard } } }],
      })),
    },
    subsets: [
      { name: 'shard-a', labels: { shard: 'a' }, routeRules: ['shard-a'] },
      { name: 'shard-b', labels: { shard: 'b' }, routeRules: ['shard-b'] },
    ],
  }),
);

const list: Target = {
  group: 'apps',
  resource: 'deployments',
  namespace: { name: 'web', labels: {} },
};
// Before the items of a list are seen, the answer depends on each object's labels.
console.log(JSON.stringify(owner(routes, list)));
console.log(JSON.stringify(decide(routes, list, 'shard-b')));
// Per item, it is settled.
console.log(JSON.stringify(owner(routes, { ...list, objectLabels: { shard: 'b' } })));
console.log(JSON.stringify(owner(routes, { ...list, objectLabels: {} })));

// Output:
// {"kind":"dependsOnObject","possibleOwners":["shard-a","shard-b","(default)"],"mayBeExcluded":false,"mayBePublic":false}
// {"kind":"dependsOnObject"}
// {"kind":"owned","subset":"shard-b"}
// {"kind":"owned","subset":"(default)"}
