// owner() on a compiled VirtualApp with 20 sub-rules and 1,000 namespaces.
//
// Load: 20 sub-rules over 5 subsets (namespace selectors, RE2 regexes, object selectors and
// resource lists mixed), two global limits, public resources; 1,000 namespaces with labels and
// 1,000 targets spread over them (pods, configmaps, deployments/scale, Namespaces, nodes). Each
// benchmark iteration decides all 1,000 targets, so decisions per second = hz x 1,000.
// Run: npm run bench --workspace @ctrlmesh/route-engine. Asserts nothing about time.
import { bench, describe } from 'vitest';
import { compileRoutes, owner, parseVirtualApp, type Target } from '../src/index.js';

const SUBSETS = ['v2', 'canary', 'shard-a', 'shard-b', 'infra'];

const rule = (index: number) => {
  switch (index % 4) {
    case 0:
      return { namespaceSelector: { matchLabels: { tier: `t${index}` } } };
    case 1:
      return { namespaceRegex: `^team-${index}-` };
    case 2:
      return {
        objectSelector: {
          matchExpressions: [{ key: 'shard', operator: 'In', values: [`s${index}`] }],
        },
        resources: [{ apiGroups: ['', 'apps'], resources: ['pods', 'deployments'] }],
      };
    default:
      return {
        namespaceRegex: `canary-${index}$`,
        resources: [{ apiGroups: ['apps'], resources: ['*/scale', 'deployments'] }],
      };
  }
};

const parsed = parseVirtualApp({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'VirtualApp',
  spec: {
    selector: { matchLabels: { app: 'bench' } },
    route: {
      globalLimits: [
        {
          namespaceSelector: {
            matchExpressions: [{ key: 'ns-type', operator: 'NotIn', values: ['system'] }],
          },
        },
        {
          namespaceRegex: '^(team|ns|canary)-',
          resources: [{ apiGroups: ['apps'], resources: ['*'] }],
        },
      ],
      subRules: Array.from({ length: 20 }, (_, index) => ({
        name: `rule-${index}`,
        match: [rule(index)],
      })),
      subsetPublicResources: [{ apiGroups: [''], resources: ['configmaps'] }],
    },
    subsets: SUBSETS.map((name, index) => ({
      name,
      labels: { version: name },
      routeRules: Array.from({ length: 4 }, (_, r) => `rule-${index * 4 + r}`),
    })),
  },
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const routes = compileRoutes(parsed.value);

const namespaces = Array.from({ length: 1000 }, (_, index) => ({
  name: index % 3 === 0 ? `team-${index % 20}-${index}` : `ns-${index}`,
  labels: { tier: `t${index % 24}`, ...(index % 50 === 0 ? { 'ns-type': 'system' } : {}) },
}));

const SHAPES: readonly Omit<Target, 'namespace'>[] = [
  { group: '', resource: 'pods' },
  { group: '', resource: 'configmaps' },
  { group: 'apps', resource: 'deployments', subresource: 'scale' },
  { group: 'apps', resource: 'deployments' },
  { group: '', resource: 'namespaces' },
];

const targets: Target[] = namespaces.map((namespace, index) => {
  if (index % 25 === 0) {
    const node: Target = { group: '', resource: 'nodes', objectLabels: { zone: 'a' } };
    return node;
  }
  const shape = SHAPES[index % SHAPES.length]!;
  return { ...shape, namespace, objectLabels: { shard: `s${index % 22}`, app: 'x' } };
});

describe('owner()', () => {
  bench('1,000 decisions (20 rules, 1,000 namespaces)', () => {
    for (const target of targets) owner(routes, target);
  });
});
