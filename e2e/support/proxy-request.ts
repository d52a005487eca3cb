import { readFileSync } from 'node:fs';
import http, { type Agent, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { MeshProxy } from './mesh-proxy.js';

/** Where a proxy serves its controller: all a request through it needs. */
export type ProxyEndpoint = Pick<MeshProxy, 'podName' | 'origin' | 'caFile'>;

/** How one request through a proxy is sent. */
export interface ProxyRequestOptions {
  /** The bearer token the proxy forwards to kas, as a controller's client sends it. */
  readonly token: string;
  /** `GET` by default. */
  readonly method?: string;
  /** Sent as written, with `contentType` (`application/json` by default). */
  readonly body?: string;
  readonly contentType?: string;
  /** The client's own connection pool, for a story about how sockets are shared. */
  readonly agent?: Agent;
  /** Gives up after this long, naming the request: a bound on "answered at all". */
  readonly timeoutMs?: number;
}

/** A response read to its end: the status code and the parsed JSON body. */
export interface ProxyAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * Sends one raw HTTP request through `proxy` to `urlPath` (over TLS verified with the proxy's CA,
 * plain HTTP in `plain-http` mode), accepting JSON; resolves with the response once its headers
 * are in, for the caller to read (a watch) or to hand to {@link answerThroughProxy}.
 */
export const requestThroughProxy = (
  proxy: ProxyEndpoint,
  urlPath: string,
  options: ProxyRequestOptions,
): Promise<IncomingMessage> =>
  new Promise((resolve, reject) => {
    const method = options.method ?? 'GET';
    const client = proxy.caFile === undefined ? http : https;
    const req = client.request(`${proxy.origin}${urlPath}`, {
      method,
      headers: {
        authorization: `Bearer ${options.token}`,
        accept: 'application/json',
        ...(options.body === undefined
          ? {}
          : { 'content-type': options.contentType ?? 'application/json' }),
      },
      ...(proxy.caFile === undefined ? {} : { ca: readFileSync(proxy.caFile) }),
      ...(options.agent === undefined ? {} : { agent: options.agent }),
      ...(options.timeoutMs === undefined
        ? {}
        : { signal: AbortSignal.timeout(options.timeoutMs) }),
    });
    req.on('response', resolve);
    req.on('error', (error) => {
      const what =
        options.timeoutMs === undefined ? 'failed' : `got no answer within ${options.timeoutMs} ms`;
      reject(new Error(`${method} ${urlPath} through ${proxy.podName}'s proxy ${what}: ${error}`));
    });
    req.end(options.body);
  });

/** One request through `proxy` (see {@link requestThroughProxy}), its JSON answer read to the end. */
export const answerThroughProxy = async (
  proxy: ProxyEndpoint,
  urlPath: string,
  options: ProxyRequestOptions,
): Promise<ProxyAnswer> => {
  const res = await requestThroughProxy(proxy, urlPath, options);
  const parts: Buffer[] = [];
  for await (const chunk of res) parts.push(chunk as Buffer);
  return {
    status: res.statusCode ?? 0,
    body: JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>,
  };
};
