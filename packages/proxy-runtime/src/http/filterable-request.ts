import type { IncomingHttpHeaders } from 'node:http';

/** The formats the filters can read. */
export type ReadableFormat = 'json' | 'protobuf';

const mediaType = (entry: string): string => entry.split(';')[0]?.trim().toLowerCase() ?? '';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

const readable = (entry: string, protobuf: boolean): boolean => {
  const type = mediaType(entry);
  if (type === 'application/json' || type === '*/*' || type === 'application/*') return true;
  return protobuf && type === PROTOBUF;
};

/**
 * Headers for a request whose response the proxy must read: the client's own Accept entries that a
 * filter reads, in the client's order (so `as=Table` survives), and no compression (the hop to the
 * controller is loopback; gzip would only cost CPU twice). Protobuf is `preferred` where the filter
 * streams it (watches) and a `fallback` for lists: a protobuf list must be held whole, a JSON one
 * need not, and Kubernetes clients that ask for protobuf accept JSON too (client-go adds `*\/*`).
 */
export const filterableRequestHeaders = (
  headers: Readonly<IncomingHttpHeaders>,
  { protobuf = 'never' }: { protobuf?: 'never' | 'preferred' | 'fallback' } = {},
): IncomingHttpHeaders => {
  const offered = String(headers.accept ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const json = offered.filter((entry) => readable(entry, false));
  const entries =
    protobuf === 'preferred' || (protobuf === 'fallback' && json.length === 0)
      ? offered.filter((entry) => readable(entry, true))
      : json;
  const { 'accept-encoding': _dropped, ...rest } = headers;
  return { ...rest, accept: entries.length > 0 ? entries.join(', ') : 'application/json' };
};

/** Which filter reads a response, by its Content-Type; undefined when none can. */
export const readableFormat = (
  contentType: string | string[] | undefined,
): ReadableFormat | undefined => {
  const type = mediaType(String(contentType ?? 'application/json'));
  if (type === 'application/json') return 'json';
  if (type === PROTOBUF) return 'protobuf';
  return undefined;
};
