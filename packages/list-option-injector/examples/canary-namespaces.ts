import { injectListOptions } from '@ctrlmesh/list-option-injector';
import { compileRoutes, DEFAULT_SUBSET, parseVirtualApp } from '@ctrlmesh/route-engine';

// v2 handles the canary namespaces; nobody sees kube-system.
const app = parseVirtualApp({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'VirtualApp',
  metadata: { name: 'canary', namespace: 'ops' },
  spec: {
    selector: { matchLabels: { app: 'controller' } },
    route: {
      globalLimits: [
        {
          namespaceSelector: {
            matchExpressions: [{ key: 'ns-type', operator: 'NotIn', values: ['system'] }],
          },
        },
      ],
      subRules: [{ name: 'canary', match: [{ namespaceRegex: '^canary-' }] }],
    },
    subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary'] }],
  },
});
if (!app.ok) throw new Error(JSON.stringify(app.problems));
const routes = compileRoutes(app.value);

// The default subset watches pods in every namespace, of which the proxy knows three.
const result = injectListOptions(routes, DEFAULT_SUBSET, {
  group: '',
  resource: 'pods',
  scope: {
    kind: 'allNamespaces',
    namespaces: [
      { name: 'default', labels: {} },
      { name: 'canary-1', labels: {} },
      { name: 'kube-system', labels: { 'ns-type': 'system' } },
    ],
  },
  query: 'watch=1&allowWatchBookmarks=true',
});
// The apiserver skips the namespaces the proxy knows to be v2's or fenced off. A namespace
// created since could still be a canary, so the proxy keeps filtering each event.
console.log(result.query);
// => watch=1&allowWatchBookmarks=true&fieldSelector=metadata.namespace%21%3Dcanary-1%2Cmetadata.namespace%21%3Dkube-system
console.log(result.exactness); // => superset
