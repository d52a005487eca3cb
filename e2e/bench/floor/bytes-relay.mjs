// The least any Node.js process between a client and the kube-apiserver can do: terminate HTTPS
// (or serve plain HTTP when given no certificate), hand each request head to a keep-alive
// connection to the apiserver byte for byte, and hand the answer back byte for byte, reading only
// enough of it (its length or its chunks) to know where it ends. No HTTP server or client objects,
// no headers read, no routing. GETs only (no request bodies, no upgrades): enough for the GET load
// of pass-through-floor.bench.ts, which measures it beside the bare pass-through (undici and Node's
// HTTP server) and the proxy, so each side's cost can be split into the hop itself and the HTTP
// machinery around it.
//
// Usage: node bytes-relay.mjs <port file> <apiserver URL> <apiserver CA file> [<cert file> <key file>]
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { writePortFile } from '../loopback-server.mjs';

const [portFile, apiserver, caFile, certFile, keyFile] = process.argv.slice(2);
const upstreamUrl = new URL(apiserver);
const ca = readFileSync(caFile, 'utf8');
const END_OF_HEAD = Buffer.from('\r\n\r\n');
const idle = [];

const connectUpstream = () => {
  // Plain HTTP for bench:pipeline's stand-in apiserver.
  const to = { host: upstreamUrl.hostname, port: Number(upstreamUrl.port) };
  const socket = upstreamUrl.protocol === 'http:' ? net.connect(to) : tls.connect({ ...to, ca });
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  // An idle connection the apiserver closes is not one to hand out.
  socket.on('close', () => {
    const at = idle.indexOf(socket);
    if (at !== -1) idle.splice(at, 1);
  });
  return socket;
};

// Where an answer ends: after its head and its length, or after its last chunk (no trailers).
class AnswerEnd {
  head = Buffer.alloc(0);
  left = -1; // bytes of the body (or of the current chunk and its CRLF) still to come
  chunked = false;
  sizeLine = '';
  last = false;

  /** Returns where in `data` the answer ends, or -1 when it goes on. */
  scan(data) {
    let at = 0;
    if (this.left < 0 && !this.chunked) {
      const buf = this.head.length === 0 ? data : Buffer.concat([this.head, data]);
      const end = buf.indexOf(END_OF_HEAD);
      if (end === -1) {
        this.head = buf;
        return -1;
      }
      const head = buf.toString('latin1', 0, end).toLowerCase();
      const before = buf.length - data.length;
      at = end + 4 - before;
      this.chunked = head.includes('\r\ntransfer-encoding: chunked');
      if (!this.chunked) {
        const length = /\r\ncontent-length: *(\d+)/.exec(head);
        this.left = length === null ? 0 : Number(length[1]);
      }
    }
    if (!this.chunked) {
      const take = Math.min(this.left, data.length - at);
      this.left -= take;
      return this.left === 0 ? at + take : -1;
    }
    while (at < data.length) {
      if (this.left > 0) {
        const take = Math.min(this.left, data.length - at);
        this.left -= take;
        at += take;
        if (this.left === 0 && this.last) return at;
        continue;
      }
      const nl = data.indexOf(10, at);
      if (nl === -1) {
        this.sizeLine += data.toString('latin1', at);
        return -1;
      }
      const size = Number.parseInt(this.sizeLine + data.toString('latin1', at, nl), 16);
      this.sizeLine = '';
      at = nl + 1;
      this.last = size === 0;
      this.left = size + 2;
    }
    return -1;
  }
}

const onClient = (client) => {
  client.setNoDelay(true);
  client.on('error', () => client.destroy());
  let buffered = Buffer.alloc(0);
  // The apiserver connection answering this client now, if any.
  let busy;
  // A client that leaves mid-answer (a watch) takes that connection along: it is not reusable.
  client.on('close', () => busy?.destroy());
  const next = () => {
    const end = busy !== undefined ? -1 : buffered.indexOf(END_OF_HEAD);
    if (end === -1) return;
    const head = buffered.subarray(0, end + 4);
    buffered = buffered.subarray(end + 4);
    const upstream = idle.pop() ?? connectUpstream();
    busy = upstream;
    const answer = new AnswerEnd();
    const onData = (data) => {
      const at = answer.scan(data);
      client.write(at === -1 ? data : data.subarray(0, at));
      if (at === -1) return;
      upstream.off('data', onData);
      upstream.off('close', onClose);
      idle.push(upstream);
      busy = undefined;
      next();
    };
    const onClose = () => client.destroy();
    upstream.on('data', onData);
    upstream.once('close', onClose);
    upstream.write(head);
  };
  client.on('data', (data) => {
    buffered = buffered.length === 0 ? data : Buffer.concat([buffered, data]);
    next();
  });
};

const server =
  certFile === undefined
    ? net.createServer(onClient)
    : tls.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, onClient);
// Not serveOnLoopback: a net.Server has no closeAllConnections, and nothing here needs draining.
server.listen(0, '127.0.0.1', () => writePortFile(portFile, server.address().port));
process.on('SIGTERM', () => process.exit(0));
