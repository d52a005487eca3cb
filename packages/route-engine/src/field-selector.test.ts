import { describe, expect, it } from 'vitest';
import { formatFieldSelector, matchesFields, parseFieldSelector } from './field-selector.js';

describe('parseFieldSelector', () => {
  it('reads terms, sorts them and keeps whitespace, as Kubernetes does', () => {
    const parsed = parseFieldSelector('metadata.namespace!=x,metadata.name= foo');
    expect(parsed.ok && parsed.value.requirements).toEqual([
      { field: 'metadata.name', operator: 'Equals', value: ' foo' },
      { field: 'metadata.namespace', operator: 'NotEquals', value: 'x' },
    ]);
  });

  it('takes the first operator position in a term', () => {
    const parsed = parseFieldSelector('a==b');
    expect(parsed.ok && parsed.value.requirements).toEqual([
      { field: 'a', operator: 'DoubleEquals', value: 'b' },
    ]);
  });

  it('unescapes values and writes them escaped again', () => {
    const input = 'spec.x=a\\,b\\=c\\\\d';
    const parsed = parseFieldSelector(input);
    expect(parsed.ok && parsed.value.requirements[0]?.value).toBe('a,b=c\\d');
    expect(parsed.ok && formatFieldSelector(parsed.value)).toBe(input);
  });

  it('skips empty terms and treats the empty string as everything', () => {
    const parsed = parseFieldSelector(',a=b,');
    expect(parsed.ok && formatFieldSelector(parsed.value)).toBe('a=b');
    const empty = parseFieldSelector('');
    expect(empty.ok && matchesFields(empty.value, {})).toBe(true);
  });

  it.each([
    ['a', "can't understand 'a'"],
    ['a=b=c', 'unescaped ='],
    ['a=b\\x', 'invalid escape sequence'],
    ['a=b\\', 'invalid escape sequence'],
  ])('rejects %j', (input, message) => {
    const parsed = parseFieldSelector(input);
    expect(parsed.ok ? '' : parsed.problems[0]?.message).toContain(message);
  });

  it('matches a missing field as the empty value', () => {
    const parsed = parseFieldSelector('metadata.name=foo,spec.nodeName!=n1');
    if (!parsed.ok) throw new Error('parse failed');
    expect(matchesFields(parsed.value, { 'metadata.name': 'foo' })).toBe(true);
    expect(matchesFields(parsed.value, { 'metadata.name': 'foo', 'spec.nodeName': 'n1' })).toBe(
      false,
    );
    expect(matchesFields(parsed.value, { 'metadata.name': 'bar' })).toBe(false);
  });
});
