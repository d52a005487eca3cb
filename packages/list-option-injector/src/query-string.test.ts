import { describe, expect, it } from 'vitest';
import goNetUrl from './fixtures/go-net-url.json' with { type: 'json' };
import {
  escapeQueryComponent,
  formatQueryString,
  isReadableByApiserver,
  MAX_QUERY_PARAMETERS,
  parseQueryString,
  readParameter,
  setParameter,
  unescapeQueryComponent,
} from './query-string.js';

/** Every key and its values, in the order Go's url.ParseQuery collects them. */
const readAll = (raw: string): Record<string, string[]> => {
  const values: Record<string, string[]> = {};
  for (const parameter of parseQueryString(raw).parameters) {
    if (parameter.decoded === undefined) continue;
    values[parameter.decoded.key] ??= [];
    values[parameter.decoded.key]!.push(parameter.decoded.value);
  }
  return values;
};

describe('parseQueryString', () => {
  it.each(goNetUrl.parse)('reads $query as Go 1.26 url.ParseQuery does', ({ query, values }) => {
    expect(readAll(query)).toEqual(values);
  });

  it('keeps order, repeats, bare flags, empty pieces and encodings as written', () => {
    const raw = 'pretty&labelSelector=a%3Db&&fieldSelector=metadata.name=foo&labelSelector=c+d&x=';
    const query = parseQueryString(raw);
    expect(query.parameters.map((parameter) => parameter.raw)).toEqual([
      'pretty',
      'labelSelector=a%3Db',
      '',
      'fieldSelector=metadata.name=foo',
      'labelSelector=c+d',
      'x=',
    ]);
    expect(formatQueryString(query)).toBe(raw);
  });

  it('reads the first value of a repeated key, as Kubernetes converts query values', () => {
    expect(
      readParameter(parseQueryString('labelSelector=a&labelSelector=b'), 'labelSelector'),
    ).toBe('a');
  });

  it('reads a bare flag as the empty value and a missing key as undefined', () => {
    const query = parseQueryString('pretty&watch=1');
    expect(readParameter(query, 'pretty')).toBe('');
    expect(readParameter(query, 'limit')).toBeUndefined();
  });

  it('skips pieces Go skips: a semicolon, a malformed escape, bytes that are not UTF-8', () => {
    const query = parseQueryString('a=1;b=2&c=%zz&d=%ff&e=%E2%82');
    expect(query.parameters.map((parameter) => parameter.decoded)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('isReadableByApiserver', () => {
  it('is false past the parameter count at which Go reads nothing', () => {
    expect(isReadableByApiserver(parseQueryString('a&'.repeat(MAX_QUERY_PARAMETERS - 1)))).toBe(
      true,
    );
    expect(isReadableByApiserver(parseQueryString('a&'.repeat(MAX_QUERY_PARAMETERS)))).toBe(false);
  });
});

describe('setParameter', () => {
  it('replaces the first value in place and encodes it as client-go does', () => {
    const query = setParameter(
      parseQueryString('pretty&labelSelector=x&limit=5'),
      'labelSelector',
      'x,shard in (a)',
    );
    expect(formatQueryString(query)).toBe('pretty&labelSelector=x%2Cshard+in+%28a%29&limit=5');
  });

  it('appends a parameter that was absent, also to an empty query', () => {
    expect(formatQueryString(setParameter(parseQueryString(''), 'labelSelector', 'a=b'))).toBe(
      'labelSelector=a%3Db',
    );
    expect(formatQueryString(setParameter(parseQueryString('watch=1'), 'k', ''))).toBe(
      'watch=1&k=',
    );
  });

  it('replaces a bare flag of the same key', () => {
    expect(
      formatQueryString(setParameter(parseQueryString('labelSelector&w'), 'labelSelector', 'a')),
    ).toBe('labelSelector=a&w');
  });

  it('removes every other piece that some reader could take the key from', () => {
    const raw =
      'labelSelector=%zz&x=1;labelSelector=evil&label%53elector=first&labelSelector=second&keep=1;2';
    const query = setParameter(parseQueryString(raw), 'labelSelector', 'mine');
    expect(formatQueryString(query)).toBe('labelSelector=mine&keep=1;2');
  });
});

describe('escapeQueryComponent', () => {
  it.each(goNetUrl.escape)('escapes $text as Go url.QueryEscape does', ({ text, escaped }) => {
    expect(escapeQueryComponent(text)).toBe(escaped);
  });

  it('refuses malformed escapes when decoding', () => {
    expect(unescapeQueryComponent('%4')).toBeUndefined();
    expect(unescapeQueryComponent('%g0')).toBeUndefined();
    expect(unescapeQueryComponent('%41+%42')).toBe('A B');
  });
});
