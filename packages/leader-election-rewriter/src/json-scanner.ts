/**
 * A byte-level JSON scanner that finds where values are without building them, so that a body can
 * be edited in place and every byte outside the edit stays as it was (number spellings, key order,
 * escapes and whitespace included). It needs no recursion, so deep nesting cannot overflow the
 * stack, and every step moves forward, so malformed input ends in `undefined`, never a hang.
 */
import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  closingQuote,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from './json-bytes.js';

/** Where a JSON value lies in a body: `bytes.subarray(start, end)` is its text. */
export interface JsonSpan {
  readonly start: number;
  readonly end: number;
}

/** One member of a JSON object: its decoded key and where its value lies. */
export interface JsonMember {
  readonly key: string;
  readonly value: JsonSpan;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

const isWhitespace = (byte: number | undefined): boolean =>
  byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;

const skipWhitespace = (bytes: Uint8Array, pos: number): number => {
  let at = pos;
  while (isWhitespace(bytes[at])) at += 1;
  return at;
};

/** End of the string whose opening quote is at `pos`, or `undefined` when it never closes. */
const scanString = (bytes: Uint8Array, pos: number): number | undefined => {
  const close = closingQuote(bytes, pos + 1, pos);
  return close < 0 ? undefined : close + 1;
};

const isScalarByte = (byte: number | undefined): boolean =>
  byte !== undefined &&
  !isWhitespace(byte) &&
  byte !== COMMA &&
  byte !== COLON &&
  byte !== QUOTE &&
  byte !== OPEN_BRACE &&
  byte !== CLOSE_BRACE &&
  byte !== OPEN_BRACKET &&
  byte !== CLOSE_BRACKET;

/** End of the value that starts at `pos` (no leading whitespace), or `undefined` when malformed. */
const scanValue = (bytes: Uint8Array, pos: number): number | undefined => {
  const first = bytes[pos];
  if (first === QUOTE) return scanString(bytes, pos);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    let at = pos;
    while (isScalarByte(bytes[at])) at += 1;
    return at > pos ? at : undefined;
  }
  // Containers: match brackets with an explicit stack; the apiserver validates the rest.
  const closers: number[] = [];
  let at = pos;
  while (at < bytes.length) {
    const byte = bytes[at];
    if (byte === QUOTE) {
      const end = scanString(bytes, at);
      if (end === undefined) return undefined;
      at = end;
      continue;
    }
    if (byte === OPEN_BRACE) closers.push(CLOSE_BRACE);
    else if (byte === OPEN_BRACKET) closers.push(CLOSE_BRACKET);
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      if (closers.pop() !== byte) return undefined;
      if (closers.length === 0) return at + 1;
    }
    at += 1;
  }
  return undefined;
};

/**
 * The single top-level value of a JSON document (surrounding whitespace allowed), or `undefined`
 * when `bytes` is not one JSON value.
 */
export const documentSpan = (bytes: Uint8Array): JsonSpan | undefined => {
  const start = skipWhitespace(bytes, 0);
  const end = scanValue(bytes, start);
  if (end === undefined || skipWhitespace(bytes, end) !== bytes.length) return undefined;
  return { start, end };
};

/** Decodes the JSON string at `span`, or `undefined` when the value is not a well-formed string. */
export const readJsonString = (bytes: Uint8Array, span: JsonSpan): string | undefined => {
  if (bytes[span.start] !== QUOTE) return undefined;
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes.subarray(span.start, span.end)));
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
};

/** The members of the object at `span` in document order (duplicates kept), or `undefined`. */
export const objectMembers = (bytes: Uint8Array, span: JsonSpan): JsonMember[] | undefined => {
  if (bytes[span.start] !== OPEN_BRACE) return undefined;
  const members: JsonMember[] = [];
  let at = skipWhitespace(bytes, span.start + 1);
  if (bytes[at] === CLOSE_BRACE) return members;
  while (at < span.end) {
    const keyEnd = scanString(bytes, at);
    if (bytes[at] !== QUOTE || keyEnd === undefined) return undefined;
    const key = readJsonString(bytes, { start: at, end: keyEnd });
    at = skipWhitespace(bytes, keyEnd);
    if (key === undefined || bytes[at] !== COLON) return undefined;
    const valueStart = skipWhitespace(bytes, at + 1);
    const valueEnd = scanValue(bytes, valueStart);
    if (valueEnd === undefined) return undefined;
    members.push({ key, value: { start: valueStart, end: valueEnd } });
    at = skipWhitespace(bytes, valueEnd);
    if (bytes[at] === CLOSE_BRACE) return members;
    if (bytes[at] !== COMMA) return undefined;
    at = skipWhitespace(bytes, at + 1);
  }
  return undefined;
};

/** The elements of the array at `span` in order, or `undefined` when it is not an array. */
export const arrayElements = (bytes: Uint8Array, span: JsonSpan): JsonSpan[] | undefined => {
  if (bytes[span.start] !== OPEN_BRACKET) return undefined;
  const elements: JsonSpan[] = [];
  let at = skipWhitespace(bytes, span.start + 1);
  if (bytes[at] === CLOSE_BRACKET) return elements;
  while (at < span.end) {
    const end = scanValue(bytes, at);
    if (end === undefined) return undefined;
    elements.push({ start: at, end });
    at = skipWhitespace(bytes, end);
    if (bytes[at] === CLOSE_BRACKET) return elements;
    if (bytes[at] !== COMMA) return undefined;
    at = skipWhitespace(bytes, at + 1);
  }
  return undefined;
};
