import { describe, expect, it } from 'vitest';
import { closingQuote } from './json-bytes.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('closingQuote', () => {
  it.each([
    ['a plain string', '"abc",', 4],
    ['an escaped quote', '"a\\"b",', 5],
    ['an escaped backslash before the end', '"a\\\\",', 4],
    ['three backslashes and a quote', '"\\\\\\"x",', 6],
    ['an empty string', '"",', 1],
    ['multi-byte UTF-8 inside', '"é\\"",', 5],
  ])('finds the end of %s', (_, text, expected) => {
    expect(closingQuote(bytes(text), 1, 0)).toBe(expected);
  });

  it.each([
    ['an unclosed string', '"abc'],
    ['a string whose last quote is escaped', '"abc\\"'],
  ])('says -1 for %s', (_, text) => {
    expect(closingQuote(bytes(text), 1, 0)).toBe(-1);
  });

  it('resumes a search where an earlier one stopped, escapes counted from the string start', () => {
    const body = bytes('{"k":"a\\\\\\"b"}');
    const opening = 5;
    expect(closingQuote(body.subarray(0, 11), opening + 1, opening)).toBe(-1);
    expect(closingQuote(body, 11, opening)).toBe(12);
  });

  it('never counts a backslash before the opening quote', () => {
    expect(closingQuote(bytes('\\""'), 2, 1)).toBe(2);
  });
});
