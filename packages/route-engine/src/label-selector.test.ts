import { describe, expect, it } from 'vitest';
import {
  fromStructuredSelector,
  MATCH_EVERYTHING,
  MATCH_NOTHING,
  matchesLabels,
  toStructuredSelector,
} from './label-selector.js';
import { parseLabelSelector } from './label-selector-string.js';

describe('fromStructuredSelector', () => {
  it('treats a null selector as matching nothing and {} as matching everything', () => {
    expect(fromStructuredSelector(null)).toEqual({ ok: true, value: MATCH_NOTHING });
    expect(fromStructuredSelector(undefined)).toEqual({ ok: true, value: MATCH_NOTHING });
    expect(fromStructuredSelector({})).toEqual({ ok: true, value: MATCH_EVERYTHING });
    expect(matchesLabels(MATCH_NOTHING, {})).toBe(false);
    expect(matchesLabels(MATCH_EVERYTHING, { any: 'thing' })).toBe(true);
  });

  it('turns matchLabels into Equals and sorts requirements by key', () => {
    const result = fromStructuredSelector({
      matchLabels: { zone: 'a' },
      matchExpressions: [{ key: 'app', operator: 'In', values: ['y', 'x', 'y'] }],
    });
    expect(result.ok && result.value).toEqual({
      kind: 'requirements',
      requirements: [
        { key: 'app', operator: 'In', values: ['x', 'y'] },
        { key: 'zone', operator: 'Equals', values: ['a'] },
      ],
    });
  });

  it('reports every bad key, value and operator at once with its path', () => {
    const result = fromStructuredSelector({
      matchLabels: { 'bad key': 'v', ok: '-bad' },
      matchExpressions: [
        { key: 'a', operator: 'In', values: [] },
        { key: 'b', operator: 'Exists', values: ['x'] },
      ],
    });
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual([
      'matchLabels.bad key',
      'matchLabels.ok',
      'matchExpressions[0].values',
      'matchExpressions[1].values',
    ]);
  });
});

describe('toStructuredSelector', () => {
  it('converts the string form to matchLabels and matchExpressions', () => {
    const parsed = parseLabelSelector('a=1,a=2,b!=3,c,!d,e in (x)');
    if (!parsed.ok) throw new Error('parse failed');
    expect(toStructuredSelector(parsed.value)).toEqual({
      ok: true,
      value: {
        matchLabels: { a: '1' },
        matchExpressions: [
          { key: 'a', operator: 'In', values: ['2'] },
          { key: 'b', operator: 'NotIn', values: ['3'] },
          { key: 'c', operator: 'Exists' },
          { key: 'd', operator: 'DoesNotExist' },
          { key: 'e', operator: 'In', values: ['x'] },
        ],
      },
    });
  });

  it('refuses what metav1.LabelSelector cannot express', () => {
    const parsed = parseLabelSelector('n>1');
    expect(parsed.ok && toStructuredSelector(parsed.value).ok).toBe(false);
    expect(toStructuredSelector(MATCH_NOTHING).ok).toBe(false);
  });
});

describe('matchesLabels', () => {
  it('does not mistake inherited object properties for labels', () => {
    const parsed = parseLabelSelector('constructor');
    expect(parsed.ok && matchesLabels(parsed.value, {})).toBe(false);
  });
});
