import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type Duplex, Readable } from 'node:stream';
import { readRequestInfo } from '../http/request-info.js';
import { logRecord, requestEnd } from '../observe/channels.js';
import type { Exchange, ProxyRequest, ProxyResponse } from '../pipeline/exchange.js';
import type { Handler } from '../pipeline/stage.js';
import { statusFor } from '../status/status-for.js';
import type { Destroyable } from '../upstream/short-answer.js';

/** A request in flight, as draining sees it. */
export interface InFlightRequest {
  /** Ends it: a streaming answer is closed cleanly between two chunks, anything else is aborted. */
  stop(): void;
}

/** Requests in flight on a proxy server, so that shutdown can drain them. */
export interface InFlight {
  /** Requests that end on their own (everything but watches and streams). */
  readonly short: Set<InFlightRequest>;
  /** Watches and streams: ended by the proxy at shutdown so clients reconnect elsewhere. */
  readonly long: Set<InFlightRequest>;
}

const splitUrl = (url: string): { path: string; query: string } => {
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
};

const hasBody = (req: IncomingMessage): boolean =>
  req.headers['transfer-encoding'] !== undefined ||
  (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

// The one place a request is read for what the apiserver makes of it (issue 13).
const toRequest = (req: IncomingMessage, upgrade?: ProxyRequest['upgrade']): ProxyRequest => {
  const method = req.method ?? 'GET';
  const { path, query } = splitUrl(req.url ?? '/');
  return {
    method,
    path,
    query,
    headers: req.headers,
    body: upgrade === undefined && hasBody(req) ? req : null,
    ...(upgrade === undefined ? {} : { upgrade }),
    info: readRequestInfo(method, path, query),
  };
};

const statusResponse = (error: unknown, id: string): ProxyResponse => {
  const { status, unexpected } = statusFor(error);
  if (unexpected) {
    // Logged once here, never at each stage (STYLE: errors and metav1.Status).
    logRecord.publish({ level: 'error', msg: 'unexpected error', id, error: String(error) });
  }
  const body = Buffer.from(JSON.stringify(status));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(body.length),
  };
  const retry = status.details?.retryAfterSeconds;
  if (retry !== undefined) headers['retry-after'] = String(retry);
  return { status: status.code, headers, body };
};

// Request ids for logs: this process's own random prefix, then a count. Unique for the process's
// life and across its restarts as far as logs need; a random UUID per request cost a microsecond.
const idPrefix = randomBytes(3).toString('hex');
let requestCount = 0;

const newExchange = (
  request: ProxyRequest,
  controller: AbortController,
  holdUpstream?: Exchange['holdUpstream'],
): Exchange => ({
  request,
  signal: controller.signal,
  ...(holdUpstream === undefined ? {} : { holdUpstream }),
  id: `${idPrefix}-${(++requestCount).toString(36)}`,
  report: { verb: request.method.toLowerCase(), resource: '', decision: 'unknown' },
});

// `failure`: why the answer was cut after its status was decided (see RequestEnd).
const publishEnd = (exchange: Exchange, code: number, started: number, failure?: unknown): void => {
  requestEnd.publish({
    id: exchange.id,
    verb: exchange.report.verb,
    resource: exchange.report.resource,
    code,
    decision: exchange.report.decision,
    durationMs: performance.now() - started,
    ...(failure === undefined ? {} : { failure: String(failure) }),
  });
};

const run = async (handler: Handler, exchange: Exchange): Promise<ProxyResponse> => {
  try {
    return await handler(exchange);
  } catch (error) {
    if (exchange.signal.aborted) throw error;
    return statusResponse(error, exchange.id);
  }
};

/** Why an exchange is aborted once its response has closed (one instance: it carries no stack). */
const RESPONSE_CLOSED = Object.freeze(new Error('the response to the controller has closed'));

const onRequest = async (
  handler: Handler,
  inFlight: InFlight,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> => {
  const started = performance.now();
  const controller = new AbortController();
  const request = toRequest(req);
  const long = request.info.longRunning;
  const bucket = long ? inFlight.long : inFlight.short;
  const entry: InFlightRequest = { stop: () => controller.abort() };
  bucket.add(entry);
  // The exchange is over for the apiserver once the controller's response closes, however it
  // closes for a long-running one (a watch the proxy ended itself with 410 included), and when the
  // controller left before the end for a short one. Long ones take their upstream request along
  // through the signal, which undici has; short ones through the answers they hold (holdUpstream),
  // which costs less than undici's listener. The shared reason spares a DOMException per request.
  const held: Destroyable[] = [];
  let gone = false;
  res.on('close', () => {
    bucket.delete(entry);
    if (!long && res.writableFinished) return;
    gone = true;
    controller.abort(RESPONSE_CLOSED);
    for (const answer of held) answer.destroy();
  });
  const exchange = newExchange(request, controller, (answer) => {
    if (gone) answer.destroy();
    else held.push(answer);
  });
  let response: ProxyResponse;
  try {
    response = await run(handler, exchange);
  } catch {
    res.destroy();
    return;
  }
  const { body } = response;
  const end = (failure?: unknown) => publishEnd(exchange, response.status, started, failure);
  res.writeHead(response.status, response.headers);
  // A watch may not produce its first event for a long time: send its headers at once. Anything else
  // sends them with its first bytes (a separate write per response cost measurable CPU in the bench).
  if (bucket === inFlight.long) res.flushHeaders();
  // The controller left while the apiserver answered: nobody to answer.
  if (gone && body instanceof Readable) {
    body.destroy();
    return end();
  }
  if (body === null || body instanceof Uint8Array) {
    res.end(body ?? undefined);
    return end();
  }
  // Each chunk of a filtered watch is one whole event, so a stop between chunks ends the answer
  // cleanly: the client sees the watch end (and re-watches from its last resourceVersion) rather
  // than a cut connection.
  entry.stop = () => {
    body.unpipe(res);
    body.destroy();
    res.end();
    controller.abort();
  };
  // A body that fails once the status line may have gone out (a filter that cannot decide, the
  // apiserver cut mid-list) must not end like a whole answer: destroying the response leaves a
  // chunked body without its terminator (or short of its length), so the client sees an error and
  // retries rather than taking a cut list for a whole one. A client that leaves destroys the body
  // without an error.
  let failure: unknown;
  body.on('error', (error) => {
    failure = error;
    res.destroy();
  });
  res.on('close', () => {
    body.destroy();
    end(failure);
  });
  body.pipe(res);
};

const rawResponse = (socket: Duplex, response: ProxyResponse): void => {
  const lines = [
    `HTTP/1.1 ${response.status} ${response.status === 101 ? 'Switching Protocols' : 'Error'}`,
  ];
  for (const [name, value] of Object.entries(response.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
  }
  if (response.status === 101) return void socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  lines.push('connection: close');
  socket.end(
    Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), response.body as Uint8Array]),
  );
};

const onUpgrade = async (
  handler: Handler,
  inFlight: InFlight,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> => {
  const started = performance.now();
  const controller = new AbortController();
  const entry: InFlightRequest = { stop: () => controller.abort() };
  inFlight.long.add(entry);
  socket.on('close', () => {
    inFlight.long.delete(entry);
    controller.abort();
  });
  const exchange = newExchange(toRequest(req, { socket, head }), controller);
  let response: ProxyResponse;
  try {
    response = await run(handler, exchange);
  } catch {
    socket.destroy();
    return;
  }
  publishEnd(exchange, response.status, started);
  const upstream = response.upgraded;
  if (upstream === undefined) return rawResponse(socket, response);
  // The hop-by-hop pair was stripped on the way in; a 101 must carry it again.
  rawResponse(socket, {
    ...response,
    headers: {
      ...response.headers,
      connection: 'Upgrade',
      upgrade: String(req.headers.upgrade ?? ''),
    },
  });
  if (head.length > 0) upstream.write(head);
  socket.pipe(upstream).pipe(socket);
  const close = () => {
    socket.destroy();
    upstream.destroy();
  };
  socket.on('error', close);
  upstream.on('error', close);
  controller.signal.addEventListener('abort', close, { once: true });
};

/**
 * Wires the pipeline into an HTTP(S) server: each request becomes an Exchange, each thrown error a
 * metav1.Status, each upgrade a spliced socket pair. Returns what is in flight for draining.
 */
export const serveProxy = (server: Server, handler: Handler): InFlight => {
  const inFlight: InFlight = { short: new Set(), long: new Set() };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void onRequest(handler, inFlight, req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void onUpgrade(handler, inFlight, req, socket, head);
  });
  return inFlight;
};
