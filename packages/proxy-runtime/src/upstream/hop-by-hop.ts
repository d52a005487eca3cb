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
  const named = namedInConnection(headers.connection);
  const out: HeaderMap = {};
  for (const name in headers) {
    const value = headers[name];
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || named?.has(lower)) continue;
    out[lower] = value;
  }
  return out;
};

// `keep-alive` and `close`, by far the usual values, name nothing else: no set to build per request.
const namedInConnection = (
  connection: string | string[] | undefined,
): ReadonlySet<string> | undefined => {
  if (connection === undefined) return undefined;
  const value = String(connection).toLowerCase();
  if (value === 'keep-alive' || value === 'close') return undefined;
  return new Set(
    value
      .split(',')
      .map((token) => token.trim())
      .filter((token) => token !== ''),
  );
};
