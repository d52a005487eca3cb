// The ControllerMesh proxy runtime, as apps/proxy builds it, but with namespace labels given rather
// than watched from an apiserver, so that it can stand in front of stand-in-apiserver.mjs. Its routes
// are the kas benchmarks' (bench-virtualapp.json): subset `measured` owns the namespaces labelled
// half=measured.
//
// Usage: node static-proxy.mjs <port file> <upstream origin>
import path from 'node:path';
import { createProxy, defineProxyConfig, StaticNamespaceLabels } from '@ctrlmesh/proxy-runtime';
import { writePortFile } from '../loopback-server.mjs';

const [portFile, upstream] = process.argv.slice(2);
const virtualAppFile = path.join(import.meta.dirname, '../bench-virtualapp.json');
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
writePortFile(portFile, address.port);
await running;
