import type { Stage } from '../pipeline/stage.js';
import type { Pinned } from './pin-routes.js';

/**
 * The User-Agent after `userAgentOrPrefix`: a value ending in `/` is put in front of the client's
 * own, any other value replaces it (the original's rule, reference §8).
 */
export const overriddenUserAgent = (override: string | undefined, userAgent: string): string => {
  if (override === undefined) return userAgent;
  return override.endsWith('/') ? `${override}${userAgent}` : override;
};

/**
 * Applies the VirtualApp's (or the proxy flag's) `userAgentOrPrefix` before anything looks at the
 * user agent, so routing (`subsetDefaultOnlyUserAgents`) and the apiserver both see the new one.
 * Needs the pinned snapshot.
 */
export const overrideUserAgent = (): Stage<Pinned> => (next) => (exchange) => {
  const override = exchange.snapshot?.userAgentOrPrefix;
  if (override === undefined) return next(exchange);
  const userAgent = overriddenUserAgent(
    override,
    String(exchange.request.headers['user-agent'] ?? ''),
  );
  return next({
    ...exchange,
    request: {
      ...exchange.request,
      headers: { ...exchange.request.headers, 'user-agent': userAgent },
    },
  });
};
