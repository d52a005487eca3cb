import { Pool } from 'undici';

/**
 * Which way a request reaches the kube-apiserver: `floor` is the bare Node.js pass-through,
 * `relay` the Node.js bytes relay, `go floor` the bare Go reverse proxy
 * (pass-through-floor.bench.ts).
 */
export type SideName =
  | 'direct'
  | 'proxy'
  | 'floor'
  | 'go floor'
  | 'proxy over HTTP'
  | 'relay'
  | 'floor over HTTP'
  | 'go floor over HTTP';

/** One way to reach the apiserver: an origin, its CA (none over plain HTTP), and the token every request carries. */
export interface Side {
  readonly name: SideName;
  readonly origin: string;
  readonly caPem: string | undefined;
  /** `authorization` and `accept` for every request; the proxy forwards them unchanged. */
  readonly headers: Record<string, string>;
  /** Keep-alive pool with one connection per concurrent client. */
  readonly pool: Pool;
}

/** Opens a side with `connections` keep-alive connections (over HTTPS the CA is verified, as client-go does). */
export const openSide = (
  name: SideName,
  origin: string,
  caPem: string | undefined,
  token: string,
  connections: number,
): Side => ({
  name,
  origin,
  caPem,
  headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  pool: new Pool(origin, {
    connections,
    pipelining: 1,
    // HTTP/1.1 on both sides, as the proxy speaks it (undici 8 would take kas's HTTP/2 offer).
    allowH2: false,
    connect: caPem === undefined ? {} : { ca: caPem },
  }),
});

/** What a fully read response came to. */
export interface ReadResult {
  readonly status: number;
  readonly bytes: number;
  readonly ms: number;
}

/**
 * Sends one request and reads the whole body; `ms` runs from send to the last byte, the way a client
 * that decodes a list experiences it. Bodies are counted, not kept, so the client costs the same
 * on both sides.
 */
export const timedRead = async (side: Side, path: string): Promise<ReadResult> => {
  const started = performance.now();
  const { statusCode, body } = await side.pool.request({
    method: 'GET',
    path,
    headers: side.headers,
  });
  let bytes = 0;
  for await (const chunk of body) bytes += (chunk as Buffer).length;
  return { status: statusCode, bytes, ms: performance.now() - started };
};

/** Sends a JSON request and returns status and parsed body; for set-up and writes, not timed. */
export const sendJson = async (
  side: Side,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; json: unknown }> => {
  const { statusCode, body: response } = await side.pool.request({
    method,
    path,
    headers: { ...side.headers, 'content-type': contentType },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: statusCode, json: text === '' ? undefined : JSON.parse(text) };
};

/** Like {@link sendJson}, but a status outside 2xx (or not in `accept`) is an error naming the call. */
export const mustSendJson = async (
  side: Side,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  path: string,
  body?: unknown,
  accept: readonly number[] = [],
): Promise<unknown> => {
  const { status, json } = await sendJson(side, method, path, body);
  if ((status < 200 || status > 299) && !accept.includes(status)) {
    throw new Error(`${method} ${path} via ${side.name}: ${status} ${JSON.stringify(json)}`);
  }
  return json;
};
