import {
  compileRoutes,
  DEFAULT_SUBSET,
  decide,
  explain,
  owner,
  parseVirtualApp,
  podSubset,
  type Target,
} from '@ctrlmesh/route-engine';

// The original's README example: v2 gets the canary namespaces, system namespaces are fenced.
const parsed = parseVirtualApp({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'VirtualApp',
  spec: {
    selector: { matchLabels: { app: 'sample-operator' } },
    route: {
      globalLimits: [
        {
          namespaceSelector: {
            matchExpressions: [{ key: 'ns-type', operator: 'NotIn', values: ['system'] }],
          },
        },
      ],
      subRules: [
        {
          name: 'canary-rule',
          match: [
            { namespaceSelector: { matchLabels: { 'ns-type': 'canary-1' } } },
            { namespaceRegex: '^canary.*' },
          ],
        },
      ],
    },
    subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary-rule'] }],
  },
});
if (!parsed.ok) throw new Error('invalid VirtualApp');
const routes = compileRoutes(parsed.value);

const pod = (namespace: string, labels: Record<string, string> = {}): Target => ({
  group: '',
  resource: 'pods',
  namespace: { name: namespace, labels },
  objectLabels: {},
});

console.log(podSubset(routes, { version: 'v2', app: 'sample-operator' }));
console.log(podSubset(routes, { version: 'v1' }) === DEFAULT_SUBSET);
console.log(JSON.stringify(owner(routes, pod('canary-a'))));
console.log(JSON.stringify(owner(routes, pod('lab', { 'ns-type': 'canary-1' }))));
console.log(JSON.stringify(owner(routes, pod('default'))));
console.log(JSON.stringify(owner(routes, pod('kube-system', { 'ns-type': 'system' }))));
console.log(JSON.stringify(owner(routes, { group: '', resource: 'nodes', objectLabels: {} })));
console.log(JSON.stringify(decide(routes, pod('canary-a'), DEFAULT_SUBSET)));
for (const reason of explain(routes, pod('canary-a')).reasons) console.log(reason);

// Output:
// v2
// true
// {"kind":"owned","subset":"v2"}
// {"kind":"owned","subset":"v2"}
// {"kind":"owned","subset":"(default)"}
// {"kind":"excluded"}
// {"kind":"owned","subset":"(default)"}
// {"kind":"denied","owner":"v2"}
// target: core/pods in namespace "canary-a"
// global limit spec.route.globalLimits[0] (namespaceSelector "ns-type notin (system)") matches
// subset "v2" owns it: sub-rule "canary-rule" entry spec.route.subRules[0].match[1] (namespaceRegex "^canary.*") matches (first matching subset in spec order)
