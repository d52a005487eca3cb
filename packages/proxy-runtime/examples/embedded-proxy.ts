import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProxy, defineProxyConfig, StaticNamespaceLabels } from '@ctrlmesh/proxy-runtime';

// A stand-in apiserver with one ConfigMap in each of two namespaces.
const item = (namespace: string) => ({
  metadata: { name: 'settings', namespace, resourceVersion: '7' },
});
const apiserver = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      kind: 'ConfigMapList',
      metadata: { resourceVersion: '9' },
      items: [item('canary-a'), item('team-b')],
    }),
  );
});
await new Promise<void>((resolve) => apiserver.listen(0, '127.0.0.1', resolve));

// The canary VirtualApp: subset v2 owns namespaces named canary-*; this pod is v2.
const dir = await mkdtemp(join(tmpdir(), 'ctrlmesh-example-'));
await writeFile(
  join(dir, 'vapp.yaml'),
  `apiVersion: ctrlmesh.io/v1alpha1
kind: VirtualApp
metadata: {name: sample}
spec:
  selector: {matchLabels: {app: sample}}
  route:
    subRules: [{name: canary, match: [{namespaceRegex: '^canary-'}]}]
  subsets: [{name: v2, labels: {version: v2}, routeRules: [canary]}]
`,
);
const config = defineProxyConfig({
  pod: { name: 'sample-0', namespace: 'apps', labels: { app: 'sample', version: 'v2' } },
  upstream: { url: `http://127.0.0.1:${(apiserver.address() as AddressInfo).port}` },
  routes: { virtualAppFile: join(dir, 'vapp.yaml') },
  listen: { port: 0 },
  admin: { port: 0 },
});
const proxy = createProxy(config, {
  namespaces: new StaticNamespaceLabels({ 'canary-a': {}, 'team-b': {} }),
  logSink: () => undefined,
});
const stop = new AbortController();
const running = proxy.start(stop.signal);
const { proxy: address } = await proxy.listening;
const base = `http://127.0.0.1:${address.port}`;

const list = (await (await fetch(`${base}/api/v1/configmaps`)).json()) as {
  items: { metadata: { namespace: string } }[];
};
console.log(
  'list:',
  list.items.map((i: { metadata: { namespace: string } }) => i.metadata.namespace).join(','),
);
const denied = await fetch(`${base}/api/v1/namespaces/team-b/configmaps/settings`);
console.log('get:', denied.status, ((await denied.json()) as { message: string }).message);

stop.abort();
await running;
apiserver.close();
await rm(dir, { recursive: true });

// Output:
// list: canary-a
// get: 403 configmaps "settings" in namespace "team-b" belongs to the default subset; this pod serves subset "v2" (ctrlmesh)
