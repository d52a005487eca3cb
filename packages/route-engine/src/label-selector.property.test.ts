import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromStructuredSelector, matchesLabels, toStructuredSelector } from './label-selector.js';
import { formatLabelSelector, parseLabelSelector } from './label-selector-string.js';
import { arbLabelSelector, arbLabelsWithIntegers, arbStructuredSelector } from './testing/index.js';

describe('label selector invariants', () => {
  it('round-trips the string form: parse(format(s)) is s', () => {
    fc.assert(
      fc.property(arbLabelSelector(), (selector) => {
        expect(parseLabelSelector(formatLabelSelector(selector))).toEqual({
          ok: true,
          value: selector,
        });
      }),
    );
  });

  it('agrees with the structured form on every label set', () => {
    fc.assert(
      fc.property(arbStructuredSelector(), arbLabelsWithIntegers(), (structured, labels) => {
        const selector = fromStructuredSelector(structured);
        if (!selector.ok) throw new Error('arbStructuredSelector made an invalid selector');
        const parsed = parseLabelSelector(formatLabelSelector(selector.value));
        if (!parsed.ok) throw new Error(parsed.problems[0]?.message);
        expect(matchesLabels(parsed.value, labels)).toBe(matchesLabels(selector.value, labels));
        const back = toStructuredSelector(parsed.value);
        const again = back.ok ? fromStructuredSelector(back.value) : back;
        expect(again.ok && matchesLabels(again.value, labels)).toBe(
          matchesLabels(selector.value, labels),
        );
      }),
    );
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ab !=(),<>in \t'.split('')) }), (input) => {
        const parsed = parseLabelSelector(input);
        if (parsed.ok)
          expect(parseLabelSelector(formatLabelSelector(parsed.value))).toEqual(parsed);
      }),
      { numRuns: 2000 },
    );
  });
});
