import type { ProxyRequest } from '../pipeline/exchange.js';

// The apiserver's own long-running set: watches, and the streaming subresources.
const STREAMING_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'proxy']);

/**
 * True for requests whose response may stay open indefinitely (watches, `log?follow`, exec, ...):
 * they get no body timeout upstream and are drained, not cut, at shutdown.
 */
export const isLongRunning = (request: Pick<ProxyRequest, 'path' | 'query'>): boolean => {
  // Parsing the query costs more than the rest of this check on every GET: only a query that could
  // name `watch` or `follow`, spelled out or percent-encoded, is parsed.
  const { query } = request;
  const params =
    query.includes('watch') || query.includes('follow') || query.includes('%')
      ? new URLSearchParams(query)
      : undefined;
  const watch = params?.get('watch');
  if (watch === 'true' || watch === '1') return true;
  const segments = request.path.split('/');
  // The deprecated `/watch/` path prefix: /api/v1/watch/... and /apis/<group>/<version>/watch/...
  const watchAt = segments[1] === 'api' ? 3 : 4;
  if (segments[watchAt] === 'watch') return true;
  const last = segments[segments.length - 1] ?? '';
  if (STREAMING_SUBRESOURCES.has(last)) return true;
  return last === 'log' && params?.get('follow') === 'true';
};
