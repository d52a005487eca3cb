import { injectListOptions } from '@ctrlmesh/list-option-injector';
import { compileRoutes, parseVirtualApp } from '@ctrlmesh/route-engine';

// Two shards of one controller, split by an object label.
const app = parseVirtualApp({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'VirtualApp',
  metadata: { name: 'sharded', namespace: 'ops' },
  spec: {
    selector: { matchLabels: { app: 'controller' } },
    route: {
      subRules: [{ name: 'shard-a', match: [{ objectSelector: { matchLabels: { shard: 'a' } } }] }],
    },
    subsets: [{ name: 'a', labels: { shard: 'a' }, routeRules: ['shard-a'] }],
  },
});
if (!app.ok) throw new Error(JSON.stringify(app.problems));
const routes = compileRoutes(app.value);

// A pod of shard `a` lists pods of namespace `web`, asking for shard=b itself.
const result = injectListOptions(routes, 'a', {
  group: '',
  resource: 'pods',
  scope: { kind: 'namespace', name: 'web' },
  query: 'labelSelector=shard%3Db&limit=500',
});
// Both requirements reach the apiserver, so nothing of shard b leaks.
console.log(result.query); // => labelSelector=shard%3Db%2Cshard%3Da&limit=500
console.log(result.exactness); // => exact

// The default subset (pods of no shard) gets the exact complement.
const rest = injectListOptions(routes, '(default)', {
  group: '',
  resource: 'pods',
  scope: { kind: 'namespace', name: 'web' },
  query: 'watch=1',
});
console.log(rest.query); // => watch=1&labelSelector=shard%21%3Da
