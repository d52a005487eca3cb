// The ControllerMesh proxy runtime, as apps/proxy builds it, but with namespace labels given rather
// than watched from an apiserver, so that it can stand in front of stand-in-apiserver.mjs. The subset
// `measured` owns the namespaces labelled half=measured, as in the kas benchmarks.
//
// Usage: node static-proxy.mjs <upstream origin> <work dir> <port file>
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createProxy, defineProxyConfig, StaticNamespaceLabels } from '@ctrlmesh/proxy-runtime';

const [upstream, dir, portFile] = process.argv.slice(2);
const virtualAppFile = path.join(dir, 'virtualapp.json');
writeFileSync(
  virtualAppFile,
  JSON.stringify({
    apiVersion: 'ctrlmesh.io/v1alpha1',
    kind: 'VirtualApp',
    metadata: { name: 'bench', namespace: 'bench-home' },
    spec: {
      selector: { matchLabels: { app: 'bench' } },
      route: {
        subRules: [
          {
            name: 'half',
            match: [
              { namespaceSelector: { matchLabels: { 'bench.ctrlmesh.io/half': 'measured' } } },
            ],
          },
        ],
      },
      subsets: [{ name: 'measured', labels: { role: 'measured' }, routeRules: ['half'] }],
    },
  }),
);
const proxy = createProxy(
  defineProxyConfig({
    pod: { name: 'bench-0', namespace: 'bench-home', labels: { app: 'bench', role: 'measured' } },
    upstream: { url: upstream },
    routes: { virtualAppFile },
    listen: { port: 0 },
    admin: { port: 0 },
  }),
  {
    namespaces: new StaticNamespaceLabels({
      'bench-in-00': { 'bench.ctrlmesh.io/half': 'measured' },
      'bench-out-00': { 'bench.ctrlmesh.io/half': 'other' },
    }),
    logSink: () => undefined,
  },
);
const stop = new AbortController();
process.on('SIGTERM', () => stop.abort());
const running = proxy.start(stop.signal);
const { proxy: address } = await proxy.listening;
writeFileSync(`${portFile}.partial`, String(address.port));
renameSync(`${portFile}.partial`, portFile);
await running;
