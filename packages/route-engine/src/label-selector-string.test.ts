import { describe, expect, it } from 'vitest';
import { MATCH_NOTHING, matchesLabels } from './label-selector.js';
import {
  formatLabelSelector,
  NOTHING_SELECTOR_STRING,
  parseLabelSelector,
} from './label-selector-string.js';

const roundTrip = (input: string): string => {
  const parsed = parseLabelSelector(input);
  if (!parsed.ok) throw new Error(parsed.problems[0]?.message);
  return formatLabelSelector(parsed.value);
};

const problem = (input: string): string => {
  const parsed = parseLabelSelector(input);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return parsed.problems[0]!.message;
};

describe('parseLabelSelector', () => {
  it.each([
    ['', ''],
    ['a=b', 'a=b'],
    ['a==b,c!=d', 'a==b,c!=d'],
    [' a in ( y , x ) , !b ', 'a in (x,y),!b'],
    ['z,y,x', 'x,y,z'],
    ['a notin(x)', 'a notin (x)'],
    ['x>5,y<3', 'x>5,y<3'],
    ['a=', 'a='],
    ['a=,b', 'a=,b'],
    ['a in ()', 'a in ()'],
    ['a in (,x)', 'a in (,x)'],
    ['a in (x,,x,)', 'a in (,x)'],
    ['in=notin', 'in=notin'],
    ['example.com/key=V_1.2-3', 'example.com/key=V_1.2-3'],
    ['a\tin\n(x)', 'a in (x)'],
  ])('reads %j as Kubernetes does (%j)', (input, formatted) => {
    expect(roundTrip(input)).toBe(formatted);
  });

  it('parses every operator into its requirement', () => {
    const parsed = parseLabelSelector('a=1,b==2,c!=3,d in (4),e notin (5),f,!g,h>6,i<7');
    expect(parsed.ok && parsed.value).toEqual({
      kind: 'requirements',
      requirements: [
        { key: 'a', operator: 'Equals', values: ['1'] },
        { key: 'b', operator: 'DoubleEquals', values: ['2'] },
        { key: 'c', operator: 'NotEquals', values: ['3'] },
        { key: 'd', operator: 'In', values: ['4'] },
        { key: 'e', operator: 'NotIn', values: ['5'] },
        { key: 'f', operator: 'Exists', values: [] },
        { key: 'g', operator: 'DoesNotExist', values: [] },
        { key: 'h', operator: 'GreaterThan', values: ['6'] },
        { key: 'i', operator: 'LessThan', values: ['7'] },
      ],
    });
  });

  it.each([
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a,', "found '', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a b', "found 'b', expected: in, notin"],
    ['a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['a===b', "unable to parse requirement: found '=', expected: identifier"],
    ['a in (x', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a>x', 'needs an integer value'],
    ['x>-1', 'invalid label value'],
    ['A/b=c', 'invalid label key'],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    [`${'k'.repeat(64)}=v`, 'no more than 63 characters'],
  ])('rejects %j', (input, message) => {
    expect(problem(input)).toContain(message);
  });

  it('matches objects without the key for != and notin, as Kubernetes does', () => {
    const parsed = parseLabelSelector('a!=b,c notin (d)');
    expect(parsed.ok && matchesLabels(parsed.value, {})).toBe(true);
    expect(parsed.ok && matchesLabels(parsed.value, { a: 'b' })).toBe(false);
    expect(parsed.ok && matchesLabels(parsed.value, { a: 'x', c: 'd' })).toBe(false);
  });

  it('compares > and < as integers and never matches a non-integer label', () => {
    const parsed = parseLabelSelector('n>9');
    expect(parsed.ok && matchesLabels(parsed.value, { n: '10' })).toBe(true);
    expect(parsed.ok && matchesLabels(parsed.value, { n: '9' })).toBe(false);
    expect(parsed.ok && matchesLabels(parsed.value, { n: 'ten' })).toBe(false);
    expect(parsed.ok && matchesLabels(parsed.value, {})).toBe(false);
  });

  it('writes the nothing selector as a contradiction that matches no object', () => {
    expect(formatLabelSelector(MATCH_NOTHING)).toBe(NOTHING_SELECTOR_STRING);
    const parsed = parseLabelSelector(NOTHING_SELECTOR_STRING);
    expect(parsed.ok && matchesLabels(parsed.value, { 'ctrlmesh.io/nothing': '' })).toBe(false);
    expect(parsed.ok && matchesLabels(parsed.value, {})).toBe(false);
  });
});
