import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { upstreamResponse } from '../observe/channels.js';
import type { Exchange, ProxyResponse } from '../pipeline/exchange.js';
import type { Handler } from '../pipeline/stage.js';
import { type HeaderMap, withoutHopByHop } from '../upstream/hop-by-hop.js';
import { requestShortAnswer } from '../upstream/short-answer.js';
import type { Upstream } from '../upstream/upstream.js';
import { upstreamFailure } from '../upstream/upstream-failure.js';

/**
 * A watch (or `log?follow`, a proxy stream) over the long-running pool: it may send nothing for
 * minutes, so it has no body timeout (toolchain notes §4), and it ends with the controller's
 * connection through the exchange's signal.
 */
const forwardLongRunning = async (
  upstream: Pick<Upstream, 'longRunningPool' | 'timeouts'>,
  { request, signal }: Exchange,
  path: string,
  headers: HeaderMap,
): Promise<ProxyResponse> => {
  const started = performance.now();
  const response = await upstream.longRunningPool.request({
    path,
    method: request.method as Dispatcher.HttpMethod,
    headers,
    body: request.body,
    signal,
    headersTimeout: upstream.timeouts.headersMs,
    bodyTimeout: 0,
  });
  return answered(
    request,
    response.statusCode,
    response.headers,
    response.body,
    performance.now() - started,
  );
};

/**
 * The apiserver's answer as the stages take it, its hop-by-hop headers dropped, recorded under the
 * forwarded request's own verb (check-object's read before a write is a `get`).
 */
const answered = (
  request: Exchange['request'],
  statusCode: number,
  headers: IncomingHttpHeaders,
  body: ProxyResponse['body'],
  headersAfterMs: number,
): ProxyResponse => {
  upstreamResponse.publish({
    verb: request.info.verb,
    code: statusCode,
    durationMs: headersAfterMs,
  });
  return { status: statusCode, headers: withoutHopByHop(headers), body };
};

// The controller went away: nothing to answer, keep the abort as it is.
const translate = (error: unknown, signal: AbortSignal): unknown =>
  signal.aborted ? error : (upstreamFailure(error) ?? error);

/**
 * The terminal handler: the only part of the proxy that talks to the kube-apiserver. Sends the
 * request as the controller made it (its own Authorization, minus hop-by-hop headers) over a
 * keep-alive pool: long-running requests over their own, so that watches never hold up short
 * requests (issue 9). A short answer comes back whole as bytes when small, as a stream when large
 * (`requestShortAnswer`). HTTP/1.1 upgrades (exec, attach, port-forward) are long-running too, and
 * handed back as a socket to splice.
 */
export const forwardUpstream =
  (upstream: Pick<Upstream, 'pool' | 'bodilessPool' | 'longRunningPool' | 'timeouts'>): Handler =>
  async (exchange: Exchange): Promise<ProxyResponse> => {
    const { request, signal } = exchange;
    const path = request.query === '' ? request.path : `${request.path}?${request.query}`;
    const headers = withoutHopByHop(request.headers);
    try {
      if (request.upgrade !== undefined) {
        const protocol = String(request.headers.upgrade ?? '');
        const upgraded = await upstream.longRunningPool.upgrade({
          path,
          method: request.method as Dispatcher.HttpMethod,
          headers,
          protocol,
          signal,
        });
        return {
          status: 101,
          headers: withoutHopByHop(upgraded.headers),
          body: null,
          upgraded: upgraded.socket,
        };
      }
      if (request.info.longRunning)
        return await forwardLongRunning(upstream, exchange, path, headers);
      const answer = await requestShortAnswer(
        request.body === null ? upstream.bodilessPool : upstream.pool,
        {
          path,
          method: request.method as Dispatcher.HttpMethod,
          headers,
          body: request.body,
          headersTimeout: upstream.timeouts.headersMs,
          bodyTimeout: upstream.timeouts.bodyMs,
        },
        exchange.holdUpstream,
      );
      return answered(
        request,
        answer.statusCode,
        answer.headers,
        answer.body,
        answer.headersAfterMs,
      );
    } catch (error) {
      throw translate(error, signal);
    }
  };
