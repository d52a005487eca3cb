import type { IncomingHttpHeaders } from 'node:http';

// RFC 9110 §7.6.1: connection-specific headers apply to one hop and must not be forwarded; `host` is
// set by the upstream client for the apiserver's origin.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'http2-settings',
]);

/** Header values as node and undici accept them. */
export type HeaderMap = Record<string, string | string[]>;

/**
 * Copies headers without the hop-by-hop ones (including any named in `Connection`). The client's
 * `Authorization` is end-to-end and passes unchanged: the apiserver must see the controller's identity.
 */
export const withoutHopByHop = (headers: Readonly<IncomingHttpHeaders>): HeaderMap => {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter((token) => token !== ''),
  );
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || named.has(lower)) continue;
    out[lower] = value;
  }
  return out;
};
