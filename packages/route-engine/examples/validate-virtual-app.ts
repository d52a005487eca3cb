import { parseVirtualApp } from '@ctrlmesh/route-engine';

const result = parseVirtualApp({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'VirtualApp',
  metadata: { name: 'sample', namespace: 'operators' },
  spec: {
    selector: { matchLabels: { app: 'sample-operator' } },
    route: {
      subRules: [{ name: 'canary-rule', match: [{ namespaceRegex: '^canary(' }] }],
    },
    subsets: [
      { name: 'v2', labels: { version: 'v2' }, routeRules: ['canary'] },
      { name: 'v3', labels: {}, routeRules: [] },
    ],
  },
});

if (!result.ok) {
  for (const problem of result.problems) console.log(`${problem.path}: ${problem.message}`);
}

// Output:
// spec.route.subRules[0].match[0].namespaceRegex: invalid RE2 regex "^canary(": error parsing regexp: missing closing ): `^canary(`
// spec.subsets[0].routeRules[0]: unknown sub-rule "canary"
// spec.subsets[1].labels: labels must not be empty: every pod would belong to this subset
