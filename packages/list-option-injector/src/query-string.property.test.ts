import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  escapeQueryComponent,
  formatQueryString,
  parseQueryString,
  readParameter,
  setParameter,
  unescapeQueryComponent,
} from './query-string.js';

/** Query text rich in the characters that matter: separators, escapes (good and bad), `+`, `;`. */
const arbQueryText = fc.string({
  unit: fc.oneof(
    fc.constantFrom('&', '=', '+', ';', '%', '%3D', '%26', '%2B', '%zz', '%4', 'é', '😀', ' '),
    fc.constantFrom('a', 'b', 'labelSelector', 'fieldSelector', 'pretty', 'x', '0', 'F'),
    fc.string({ unit: 'binary', maxLength: 3 }),
  ),
  maxLength: 30,
});

const keysOf = (raw: string): string[] =>
  parseQueryString(raw).parameters.flatMap((parameter) =>
    parameter.decoded ? [parameter.decoded.key] : [],
  );

describe('query string model', () => {
  test.prop([arbQueryText])('formats a parsed query byte-identically', (raw) => {
    expect(formatQueryString(parseQueryString(raw))).toBe(raw);
  });

  test.prop([fc.string({ unit: 'binary' })])('decodes what it encodes', (text) => {
    expect(unescapeQueryComponent(escapeQueryComponent(text))).toBe(text);
  });

  test.prop([arbQueryText, fc.constantFrom('labelSelector', 'a', 'x'), fc.string()])(
    'after setting a key, the apiserver reads the new value and every other key as before',
    (raw, key, value) => {
      const before = parseQueryString(raw);
      const after = parseQueryString(formatQueryString(setParameter(before, key, value)));
      expect(readParameter(after, key)).toBe(value);
      for (const other of new Set(keysOf(raw))) {
        if (other !== key) expect(readParameter(after, other)).toBe(readParameter(before, other));
      }
    },
  );
});
