import type { Dispatcher } from 'undici';
import { upstreamResponse } from '../observe/channels.js';
import type { Exchange, ProxyResponse } from '../pipeline/exchange.js';
import type { Handler } from '../pipeline/stage.js';
import { withoutHopByHop } from '../upstream/hop-by-hop.js';
import type { Upstream } from '../upstream/upstream.js';
import { upstreamFailure } from '../upstream/upstream-failure.js';

// The controller went away: nothing to answer, keep the abort as it is.
const translate = (error: unknown, signal: AbortSignal): unknown =>
  signal.aborted ? error : (upstreamFailure(error) ?? error);

/**
 * The terminal handler: the only part of the proxy that talks to the kube-apiserver. Sends the
 * request as the controller made it (its own Authorization, minus hop-by-hop headers) over a
 * keep-alive pool: long-running requests over their own, so that watches never hold up short
 * requests (issue 9); they get no body timeout either. HTTP/1.1 upgrades (exec, attach,
 * port-forward) are long-running too, and handed back as a socket to splice.
 */
export const forwardUpstream =
  (upstream: Pick<Upstream, 'pool' | 'longRunningPool' | 'timeouts'>): Handler =>
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
      const started = performance.now();
      // Read once with the request, as serve-proxy drains it: long-running in one sense only.
      const long = request.info.longRunning;
      const response = await (long ? upstream.longRunningPool : upstream.pool).request({
        path,
        method: request.method as Dispatcher.HttpMethod,
        headers,
        body: request.body,
        // A short request is tied to the controller's connection by holdUpstream (below) instead:
        // undici's listener on the signal costs ~12 us per request, a fifth of its own work.
        signal: long ? signal : undefined,
        headersTimeout: upstream.timeouts.headersMs,
        // A quiet watch may send nothing for minutes: a gap timeout would cut it (toolchain notes §4).
        bodyTimeout: long ? 0 : upstream.timeouts.bodyMs,
      });
      if (!long) exchange.holdUpstream?.(response.body);
      upstreamResponse.publish({
        // The forwarded request's own verb: check-object's read before a write is a `get`.
        verb: request.info.verb,
        code: response.statusCode,
        durationMs: performance.now() - started,
      });
      return {
        status: response.statusCode,
        headers: withoutHopByHop(response.headers),
        body: response.body,
      };
    } catch (error) {
      throw translate(error, signal);
    }
  };
