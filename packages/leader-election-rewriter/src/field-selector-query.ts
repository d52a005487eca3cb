/**
 * The lock name inside `fieldSelector=metadata.name=<lock>` of a raw query (client-go's
 * leader-election watch of a ConfigMap or Lease, and any list by name). Route-engine parses field
 * selectors into values; here we also need where each value ends in the raw, percent-encoded
 * query, so that the suffix can be inserted there and every other byte of the query kept.
 */

/** One decoded unit of a query value and the raw index just after the characters it came from. */
interface DecodedUnit {
  readonly code: number;
  readonly rawEnd: number;
}

const NAME_FIELD = 'metadata.name';
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

const hexValue = (text: string): number | undefined =>
  /^[0-9a-fA-F]{2}$/.test(text) ? Number.parseInt(text, 16) : undefined;

/** Decodes `raw[start, end)` as Go's `url.ParseQuery` does (`+` is a space); `undefined` if malformed. */
const decodeQueryPart = (raw: string, start: number, end: number): DecodedUnit[] | undefined => {
  const units: DecodedUnit[] = [];
  let at = start;
  while (at < end) {
    const char = raw.charCodeAt(at);
    if (char === 0x25) {
      const byte = hexValue(raw.slice(at + 1, at + 3));
      if (byte === undefined || at + 3 > end) return undefined;
      units.push({ code: byte, rawEnd: at + 3 });
      at += 3;
    } else {
      units.push({ code: char === 0x2b ? 0x20 : char, rawEnd: at + 1 });
      at += 1;
    }
  }
  return units;
};

// One character per unit (no spread): queries can be longer than the engine's argument limit.
const unitsText = (units: readonly DecodedUnit[]): string =>
  units.map((unit) => String.fromCharCode(unit.code)).join('');

/** Splits on commas not escaped by `\`, as `fields.splitTerms` does. */
const splitTerms = (units: readonly DecodedUnit[]): DecodedUnit[][] => {
  const terms: DecodedUnit[][] = [[]];
  let escaped = false;
  for (const unit of units) {
    if (!escaped && unit.code === COMMA) {
      terms.push([]);
      continue;
    }
    escaped = !escaped && unit.code === BACKSLASH;
    terms.at(-1)!.push(unit);
  }
  return terms;
};

/** `fields.UnescapeValue`: `\\`, `\,`, `\=` only; an unescaped `,` or `=` is an error. */
const unescapeValue = (value: string): string | undefined => {
  let out = '';
  for (let at = 0; at < value.length; at += 1) {
    const char = value[at]!;
    if (char === ',' || char === '=') return undefined;
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = value[at + 1];
    if (next !== '\\' && next !== ',' && next !== '=') return undefined;
    out += next;
    at += 1;
  }
  return out;
};

/**
 * Whether a term selects exactly `name` by `metadata.name`: `fields.splitTerm` takes the first
 * operator found (`!=`, `==`, then `=`), with no trimming and no escape awareness on the left.
 */
const selectsName = (term: string, encodedName: string): boolean => {
  for (let at = 0; at < term.length; at += 1) {
    const operator = ['!=', '==', '='].find((op) => term.startsWith(op, at));
    if (operator === undefined) continue;
    if (operator === '!=' || term.slice(0, at) !== NAME_FIELD) return false;
    return unescapeValue(term.slice(at + operator.length)) === encodedName;
  }
  return false;
};

/** Escapes a field selector value as `fields.EscapeValue` does. */
const escapeValue = (value: string): string => value.replace(/[\\,=]/g, (char) => `\\${char}`);

/**
 * `query` (raw, without `?`) with `suffix` appended to every `metadata.name=<name>` or
 * `metadata.name==<name>` term of every `fieldSelector` parameter. Returns `query` itself when no
 * term selects `name`. Other parameters, other terms and their encodings keep their bytes.
 */
export const appendToSelectedName = (query: string, name: string, suffix: string): string => {
  // Decoded units hold UTF-8 bytes, so compare against the name's UTF-8 bytes read the same way.
  const encodedName = Array.from(new TextEncoder().encode(name), (byte) =>
    String.fromCharCode(byte),
  ).join('');
  const insertions: number[] = [];
  let start = 0;
  while (start <= query.length) {
    const ampersand = query.indexOf('&', start);
    const end = ampersand === -1 ? query.length : ampersand;
    const equals = query.indexOf('=', start);
    if (equals !== -1 && equals < end) {
      const key = decodeQueryPart(query, start, equals);
      const value = decodeQueryPart(query, equals + 1, end);
      if (key && value && unitsText(key) === 'fieldSelector') {
        for (const term of splitTerms(value)) {
          if (selectsName(unitsText(term), encodedName)) insertions.push(term.at(-1)!.rawEnd);
        }
      }
    }
    start = end + 1;
  }
  if (insertions.length === 0) return query;
  const encodedSuffix = encodeURIComponent(escapeValue(suffix));
  let out = '';
  let copied = 0;
  for (const at of insertions) {
    out += query.slice(copied, at) + encodedSuffix;
    copied = at;
  }
  return out + query.slice(copied);
};
