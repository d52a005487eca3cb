import { Agent, request } from 'node:https';
import { isIP } from 'node:net';
import { checkServerIdentity } from 'node:tls';

/** How to reach and trust a webhook (the controller's own, or a peer's front). */
export interface ReviewTarget {
  /** `https://host:port`. */
  readonly origin: string;
  /** The request path, as the apiserver sent it (e.g. `/mutate-configmap?timeout=10s`). */
  readonly path: string;
  /** PEM bundle to verify the webhook's certificate with. */
  readonly ca: string;
  /**
   * The name the certificate must carry: the host the apiserver called. Every pod serves the
   * controller's certificate for that name, whichever address the proxy dials.
   */
  readonly serverName: string;
}

/** A webhook's answer, passed back to the apiserver unchanged. */
export interface ReviewAnswer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: Buffer;
}

/** The outcome of one attempt; `retryable` says whether another pod may succeed where this failed. */
export type PostOutcome =
  | { readonly ok: true; readonly answer: ReviewAnswer }
  | { readonly ok: false; readonly problem: string; readonly retryable: boolean };

/** Options of {@link postReview}. */
export interface PostOptions {
  readonly agent: Agent;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly signal?: AbortSignal | undefined;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A keep-alive agent for webhook calls (one per front: few peers, short bodies). */
export const reviewAgent = (): Agent => new Agent({ keepAlive: true, maxSockets: 32 });

/**
 * POSTs a review body to a webhook over HTTPS, verifying its certificate with `target.ca` for
 * `target.serverName` (the original skipped verification). Never throws: connection errors,
 * timeouts and 5xx answers are `retryable` failures; other answers, 4xx included, are the webhook's
 * word and come back as they are.
 */
export const postReview = (
  target: ReviewTarget,
  body: Buffer,
  options: PostOptions,
): Promise<PostOutcome> =>
  new Promise((resolve) => {
    const url = new URL(target.path, target.origin);
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    const byName = isIP(target.serverName) === 0;
    const req = request(url, {
      method: 'POST',
      agent: options.agent,
      ca: target.ca,
      // SNI only for DNS names (RFC 6066); the identity check always uses the apiserver's host.
      ...(byName ? { servername: target.serverName } : {}),
      checkServerIdentity: (_host, cert) => checkServerIdentity(target.serverName, cert),
      headers: {
        ...options.headers,
        'content-type': 'application/json',
        accept: 'application/json',
        'content-length': String(body.length),
      },
      signal,
    });
    const fail = (problem: string, retryable = true) => resolve({ ok: false, problem, retryable });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (timeout.aborted) fail(`no answer from ${url.origin} within ${options.timeoutMs} ms`);
      else fail(`${url.origin}: ${error.code ?? error.message}`);
    });
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          res.destroy();
          fail(`${url.origin} answered more than ${options.maxBytes} bytes`, false);
        } else parts.push(chunk);
      });
      res.on('error', () => undefined);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 500) {
          fail(`${url.origin} answered HTTP ${status}`);
          return;
        }
        resolve({
          ok: true,
          answer: { status, contentType: res.headers['content-type'], body: Buffer.concat(parts) },
        });
      });
    });
    req.end(body);
  });
