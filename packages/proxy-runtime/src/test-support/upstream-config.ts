import type { ProxyConfig } from '../config.js';

/**
 * The upstream section of a test proxy's config for the apiserver at `url`: certificates verified,
 * four connections in each pool, timeouts short enough for a test, none on bodies (a quiet watch
 * stays open); `more` overrides single fields.
 */
export const upstreamConfig = (
  url: string,
  more: Partial<ProxyConfig['upstream']> = {},
): ProxyConfig['upstream'] => ({
  url,
  insecureSkipTlsVerify: false,
  connections: 4,
  longRunningConnections: 4,
  http2: false,
  keepAliveTimeoutMs: 1_000,
  headersTimeoutMs: 2_000,
  bodyTimeoutMs: 0,
  ...more,
});
