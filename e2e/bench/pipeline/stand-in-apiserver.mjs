// A stand-in kube-apiserver for pipeline-cost.bench.ts: answers every request at once with the same
// ConfigMap (~1.1 KB, with its length, as kas answers a GET), so the process in front of it is the
// only thing measured. Plain HTTP on loopback: the TLS legs are pass-through-floor.bench.ts's part.
//
// Usage: node stand-in-apiserver.mjs <port file>
import { createServer } from 'node:http';
import { serveOnLoopback } from '../loopback-server.mjs';

const [portFile] = process.argv.slice(2);
const object = Buffer.from(
  JSON.stringify({
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: {
      name: 'cm-0000',
      namespace: 'bench-in-00',
      uid: '6f1c2a52-8d1e-4b7a-9d0e-2f3b4c5d6e7f',
      resourceVersion: '1042',
      creationTimestamp: '2026-11-30T10:00:00Z',
      labels: { 'bench.ctrlmesh.io/set': 'list' },
    },
    data: { payload: 'ab'.repeat(400) },
  }),
);
const headers = {
  'audit-id': '0b8f3f9e-4d1c-4a57-9a55-1b7c2d3e4f50',
  'cache-control': 'no-cache, private',
  'content-type': 'application/json',
  'content-length': String(object.length),
};
const server = createServer((_req, res) => {
  res.writeHead(200, headers).end(object);
});
serveOnLoopback(server, portFile);
