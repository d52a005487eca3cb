/**
 * The bytes that give JSON text its structure, and where a string ends: what every byte-level JSON
 * reader needs, here and in the proxy's streaming list filter. All are ASCII, and UTF-8 continuation
 * bytes are >= 0x80, so a byte with one of these values is always that character.
 */

/** `"`, which opens and closes strings. */
export const QUOTE = 0x22;
/** `\`, which escapes the next character of a string. */
export const BACKSLASH = 0x5c;
/** `,`, between members and between elements. */
export const COMMA = 0x2c;
/** `:`, between a key and its value. */
export const COLON = 0x3a;
/** `{`, which opens an object. */
export const OPEN_BRACE = 0x7b;
/** `}`, which closes an object. */
export const CLOSE_BRACE = 0x7d;
/** `[`, which opens an array. */
export const OPEN_BRACKET = 0x5b;
/** `]`, which closes an array. */
export const CLOSE_BRACKET = 0x5d;

/**
 * The index of the quote that closes the string opened at `stringStart`, searching from `from`
 * (after the opening quote, or where an earlier search of the same string stopped), or -1 when
 * `bytes` ends first. Each quote looks back for escapes, so a stream can resume a search when more
 * bytes arrive, and `indexOf` jumps over the string's contents, which are most of a body's bytes.
 */
export const closingQuote = (bytes: Uint8Array, from: number, stringStart: number): number => {
  let quote = bytes.indexOf(QUOTE, from);
  while (quote >= 0) {
    // A quote after an odd run of backslashes is escaped.
    let backslashes = 0;
    while (quote - backslashes - 1 > stringStart && bytes[quote - backslashes - 1] === BACKSLASH)
      backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    quote = bytes.indexOf(QUOTE, quote + 1);
  }
  return -1;
};
