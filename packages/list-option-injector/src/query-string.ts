/**
 * A raw query string (the part of a request target after `?`, without the `?`) kept exactly as
 * written: parameter order, repeated keys, bare flags, empty pieces (`a&&b`) and the client's own
 * percent-encoding all survive, so `formatQueryString(parseQueryString(s)) === s`.
 *
 * Each piece also carries the key and value the kube-apiserver reads from it. The apiserver uses
 * Go's `url.ParseQuery` (through `req.URL.Query()`), which splits on `&` only, skips empty pieces,
 * skips a piece that contains `;` or a malformed `%` escape, cuts key from value at the first `=`,
 * turns `+` into a space, and reads a bare flag as an empty value.
 */
export interface QueryString {
  readonly parameters: readonly QueryParameter[];
}

/** One `&`-separated piece of a query, as written, with what Go reads from it. */
export interface QueryParameter {
  /** The piece exactly as the client wrote it. */
  readonly raw: string;
  /** Key and value as Go's `url.ParseQuery` decodes them; `undefined` when Go skips the piece. */
  readonly decoded: { readonly key: string; readonly value: string } | undefined;
}

/**
 * Go's `url.ParseQuery` reads nothing at all from a query with more than this many parameters
 * (counted as `&` + 1); it then returns an error and `req.URL.Query()` is empty (Go 1.24.12+,
 * `urlmaxqueryparams`). A selector we add to such a query would be ignored by the apiserver.
 */
export const MAX_QUERY_PARAMETERS = 10_000;

/** Splits a raw query into its pieces; the empty string has none. */
export const parseQueryString = (raw: string): QueryString => ({
  parameters: raw === '' ? [] : raw.split('&').map(parseParameter),
});

/** Joins the pieces again; byte-identical to the input when nothing was changed. */
export const formatQueryString = (query: QueryString): string =>
  query.parameters.map((parameter) => parameter.raw).join('&');

/**
 * Whether the apiserver reads this query at all: Go ignores every parameter of a query with more
 * than {@link MAX_QUERY_PARAMETERS} of them.
 */
export const isReadableByApiserver = (query: QueryString): boolean =>
  Math.max(query.parameters.length, 1) <= MAX_QUERY_PARAMETERS;

/**
 * The value the apiserver uses for `key`: Kubernetes converts repeated query values to a single
 * string by taking the first one (`runtime.Convert_Slice_string_To_string`).
 */
export const readParameter = (query: QueryString, key: string): string | undefined =>
  query.parameters.find((parameter) => parameter.decoded?.key === key)?.decoded?.value;

/**
 * Sets `key` to `value`, encoded canonically as Go's `url.QueryEscape` does (what client-go
 * sends). The first piece the apiserver reads for `key` is replaced in place (or the parameter is
 * appended), and every other piece that could carry `key` is removed, including pieces Go skips
 * (with `;` or a bad escape), so that no reader, old or new, can see a different value.
 */
export const setParameter = (query: QueryString, key: string, value: string): QueryString => {
  const replacement = parseParameter(`${escapeQueryComponent(key)}=${escapeQueryComponent(value)}`);
  const first = query.parameters.findIndex((parameter) => parameter.decoded?.key === key);
  const parameters: QueryParameter[] = [];
  query.parameters.forEach((parameter, index) => {
    if (index === first) parameters.push(replacement);
    else if (!mayCarryKey(parameter.raw, key)) parameters.push(parameter);
  });
  if (first === -1) parameters.push(replacement);
  return { parameters };
};

/** Encodes a key or value as Go's `url.QueryEscape`: unreserved bytes stay, space is `+`. */
export const escapeQueryComponent = (text: string): string => {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) {
    if (isUnreserved(byte)) out += String.fromCharCode(byte);
    else if (byte === SPACE) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
};

/**
 * Decodes a key or value as Go's `url.QueryUnescape`; `undefined` for a malformed `%` escape or,
 * since JavaScript strings cannot hold arbitrary bytes as Go strings can, for bytes that are not
 * UTF-8 (no Kubernetes selector or name can contain them).
 */
export const unescapeQueryComponent = (text: string): string | undefined => {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '%') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (char === '+') {
      bytes.push(SPACE);
    } else {
      // A code point outside the BMP spans two UTF-16 units; encode the pair together.
      const codePoint = text.codePointAt(i)!;
      const whole = String.fromCodePoint(codePoint);
      bytes.push(...encoder.encode(whole));
      i += whole.length - 1;
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
};

const SPACE = 0x20;

const isUnreserved = (byte: number): boolean =>
  (byte >= 0x30 && byte <= 0x39) || // 0-9
  (byte >= 0x41 && byte <= 0x5a) || // A-Z
  (byte >= 0x61 && byte <= 0x7a) || // a-z
  byte === 0x2d || // -
  byte === 0x2e || // .
  byte === 0x5f || // _
  byte === 0x7e; // ~

const parseParameter = (raw: string): QueryParameter => ({ raw, decoded: decodeParameter(raw) });

const decodeParameter = (raw: string): QueryParameter['decoded'] => {
  // Since Go 1.17 a piece with `;` is skipped rather than split (golang/go#25192).
  if (raw === '' || raw.includes(';')) return undefined;
  const equals = raw.indexOf('=');
  const key = unescapeQueryComponent(equals === -1 ? raw : raw.slice(0, equals));
  const value = equals === -1 ? '' : unescapeQueryComponent(raw.slice(equals + 1));
  return key === undefined || value === undefined ? undefined : { key, value };
};

/**
 * Whether some reader could take `key` from this piece: today's Go (the decoded key), Go before
 * 1.17 (which also split on `;`), or a lenient decoder that keeps malformed escapes.
 */
const mayCarryKey = (raw: string, key: string): boolean =>
  raw.split(';').some((piece) => {
    const rawKey = piece.split('=', 1)[0]!;
    return (unescapeQueryComponent(rawKey) ?? lenientUnescape(rawKey)) === key;
  });

const lenientUnescape = (text: string): string =>
  text.replace(/\+/g, ' ').replace(/%[0-9A-Fa-f]{2}/g, (sequence) => {
    const code = Number.parseInt(sequence.slice(1), 16);
    return code < 0x80 ? String.fromCharCode(code) : sequence;
  });
