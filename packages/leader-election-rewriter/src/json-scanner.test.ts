import { describe, expect, it } from 'vitest';
import { arrayElements, documentSpan, objectMembers, readJsonString } from './json-scanner.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (body: Uint8Array, span: { start: number; end: number }): string =>
  new TextDecoder().decode(body.subarray(span.start, span.end));

describe('json scanner', () => {
  it('finds members with their raw value text, duplicates and odd spellings kept', () => {
    const body = bytes(' {"a" : 1e3, "b":{"c":[1,"]"]}, "a":"x\\"y", "\\u006e":-0.50 } \n');
    const span = documentSpan(body)!;
    const members = objectMembers(body, span)!;
    expect(members.map((m) => [m.key, text(body, m.value)])).toEqual([
      ['a', '1e3'],
      ['b', '{"c":[1,"]"]}'],
      ['a', '"x\\"y"'],
      ['n', '-0.50'],
    ]);
    expect(readJsonString(body, members[2]!.value)).toBe('x"y');
  });

  it('lists array elements and empty containers', () => {
    const body = bytes('[{}, [], "a", null]');
    const elements = arrayElements(body, documentSpan(body)!)!;
    expect(elements.map((e) => text(body, e))).toEqual(['{}', '[]', '"a"', 'null']);
    expect(objectMembers(body, elements[0]!)).toEqual([]);
  });

  it('keeps multi-byte UTF-8 inside strings intact', () => {
    const body = bytes('{"k":"Zürich \u{1F600} \\"q"}');
    const [member] = objectMembers(body, documentSpan(body)!)!;
    expect(readJsonString(body, member!.value)).toBe('Zürich \u{1F600} "q');
  });

  it.each([
    '',
    '{',
    '{"a":1',
    '{"a" 1}',
    '{"a":1,}',
    '[1,]',
    '{"a":[}',
    '"open',
    '{} {}',
    '{"a":1}}',
  ])('returns undefined for malformed input %j', (input) => {
    const body = bytes(input);
    const span = documentSpan(body);
    const members = span && objectMembers(body, span);
    const elements = span && arrayElements(body, span);
    expect(members ?? elements).toBeUndefined();
  });

  it('scans deeply nested input without recursion', () => {
    const depth = 200_000;
    const body = bytes(`{"a":${'['.repeat(depth)}${']'.repeat(depth)},"b":"c"}`);
    const members = objectMembers(body, documentSpan(body)!)!;
    expect(members.map((m) => m.key)).toEqual(['a', 'b']);
  });
});
