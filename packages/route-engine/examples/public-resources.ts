import {
  compileRoutes,
  explain,
  owner,
  parseVirtualApp,
  type Target,
} from '@ctrlmesh/route-engine';

// ConfigMaps and Secrets are public. v2's rule for the canary namespaces uses the wildcard "*",
// which does not claim them; a second rule spells out "secrets", which does.
const parsed = parseVirtualApp({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'VirtualApp',
  spec: {
    selector: { matchLabels: { app: 'sample-operator' } },
    route: {
      subRules: [
        {
          name: 'canary',
          match: [
            { namespaceRegex: '^canary', resources: [{ apiGroups: ['*'], resources: ['*'] }] },
          ],
        },
        {
          name: 'canary-secrets',
          match: [
            { namespaceRegex: '^canary', resources: [{ apiGroups: [''], resources: ['secrets'] }] },
          ],
        },
      ],
      subsetPublicResources: [{ apiGroups: [''], resources: ['configmaps', 'secrets'] }],
    },
    subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary', 'canary-secrets'] }],
  },
});
if (!parsed.ok) throw new Error('invalid VirtualApp');
const routes = compileRoutes(parsed.value);

const inNamespace = (resource: string, namespace: string): Target => ({
  group: '',
  resource,
  namespace: { name: namespace, labels: {} },
  objectLabels: {},
});

console.log(JSON.stringify(owner(routes, inNamespace('pods', 'canary-a'))));
console.log(JSON.stringify(owner(routes, inNamespace('configmaps', 'canary-a'))));
console.log(JSON.stringify(owner(routes, inNamespace('secrets', 'canary-a'))));
console.log(JSON.stringify(owner(routes, inNamespace('secrets', 'default'))));
for (const reason of explain(routes, inNamespace('configmaps', 'canary-a')).reasons) {
  console.log(reason);
}

// Output:
// {"kind":"owned","subset":"v2"}
// {"kind":"public"}
// {"kind":"owned","subset":"v2"}
// {"kind":"owned","subset":"(default)"}
// target: core/configmaps in namespace "canary-a"
// sub-rule "canary" of subset "v2": entry spec.route.subRules[0].match[0] (namespaceRegex "^canary", resources *:*) covers it only through a wildcard, so it does not claim it
// it is a public resource (subsetPublicResources) and no subset rule spells it out: every subset sees it; only a pattern that spells the resource out ("configmaps", "configmaps/*") claims a public resource; "*" and "*/status" do not
