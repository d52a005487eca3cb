import type { IncomingHttpHeaders } from 'node:http';

const isJson = (entry: string): boolean => {
  const type = entry.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type === '*/*' || type === 'application/*';
};

/**
 * Headers for a request whose response the proxy must read: JSON only (from the client's own Accept
 * entries, so `as=Table` survives; clients configured for protobuf list JSON as their fallback), and
 * no compression (the hop to the controller is loopback; gzip would only cost CPU twice).
 */
export const filterableRequestHeaders = (
  headers: Readonly<IncomingHttpHeaders>,
): IncomingHttpHeaders => {
  const entries = String(headers.accept ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && isJson(entry));
  const { 'accept-encoding': _dropped, ...rest } = headers;
  return { ...rest, accept: entries.length > 0 ? entries.join(', ') : 'application/json' };
};

/** Whether a response's Content-Type is JSON (the only kind the filters read so far). */
export const isJsonResponse = (contentType: string | string[] | undefined): boolean =>
  String(contentType ?? 'application/json')
    .split(';')[0]
    ?.trim()
    .toLowerCase() === 'application/json';
