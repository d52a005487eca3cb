// The least a Node.js proxy in front of the kube-apiserver can do: terminate HTTPS (or serve plain
// HTTP when given no certificate), forward the request with undici over a keep-alive pool
// (certificate verified), pipe the answer back. No routing, filtering, metrics or logs.
// pass-through-floor.bench.ts measures it beside the real proxy, so the proxy's overhead can be
// read against what any Node.js proxy costs here.
//
// Usage: node bare-pass-through.mjs <port file> <apiserver URL> <apiserver CA file> [<cert file> <key file>]
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { pipeline } from 'node:stream';
import { Pool } from 'undici';
import { serveOnLoopback } from '../loopback-server.mjs';

const [portFile, apiserver, caFile, certFile, keyFile] = process.argv.slice(2);
const upstream = new Pool(apiserver, {
  connections: 64,
  // HTTP/1.1 to the apiserver, as the proxy speaks it (undici 8 would take kas's HTTP/2 offer).
  allowH2: false,
  connect: { ca: readFileSync(caFile, 'utf8') },
});
// Per RFC 9110 §7.6.1, plus `host`, which undici sets for the apiserver.
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'host'];

const tls =
  certFile === undefined ? undefined : { cert: readFileSync(certFile), key: readFileSync(keyFile) };
const server = (tls === undefined ? http : https).createServer(tls ?? {}, async (req, res) => {
  const headers = { ...req.headers };
  for (const name of HOP_BY_HOP) delete headers[name];
  try {
    const answer = await upstream.request({
      method: req.method,
      path: req.url,
      headers,
      body: req,
    });
    const out = { ...answer.headers };
    for (const name of HOP_BY_HOP) delete out[name];
    res.writeHead(answer.statusCode, out);
    // pipeline, not pipe: when the client leaves before the end (a watch, a large list), it destroys
    // the upstream body, whose 'error' (UND_ERR_ABORTED) would otherwise have no listener and end
    // the process (issue 13). Nothing is left to answer then, so the error is dropped.
    pipeline(answer.body, res, () => undefined);
  } catch (error) {
    res.writeHead(502).end(String(error));
  }
});
serveOnLoopback(server, portFile, () => void upstream.close());
