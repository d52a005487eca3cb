import type { LabelRequirement } from '@ctrlmesh/route-engine';
import { describe, expect, it } from 'vitest';
import {
  allOf,
  anyOf,
  EVERYTHING,
  fromSelector,
  NOTHING,
  negate,
  UNKNOWN,
} from './label-formula.js';

const req = (key: string, operator: LabelRequirement['operator'], ...values: string[]) => ({
  key,
  operator,
  values,
});
const exactly = (...requirements: LabelRequirement[]) =>
  fromSelector({ kind: 'requirements', requirements });

describe('negate', () => {
  it.each([
    [req('shard', 'In', 'a', 'b'), req('shard', 'NotIn', 'a', 'b')],
    [req('shard', 'NotIn', 'a'), req('shard', 'In', 'a')],
    [req('shard', 'Exists'), req('shard', 'DoesNotExist')],
    [req('shard', 'DoesNotExist'), req('shard', 'Exists')],
    [req('shard', 'Equals', 'a'), req('shard', 'NotEquals', 'a')],
    [req('shard', 'NotEquals', 'a'), req('shard', 'Equals', 'a')],
  ])('negates %o exactly as %o', (requirement, complement) => {
    expect(negate(exactly(requirement))).toEqual(exactly(complement));
  });

  it('does not negate several requirements one by one, which would hide objects', () => {
    expect(negate(exactly(req('a', 'Exists'), req('b', 'Exists')))).toEqual(UNKNOWN);
  });

  it('turns everything into nothing and back', () => {
    expect(negate(EVERYTHING)).toEqual(NOTHING);
    expect(negate(NOTHING)).toEqual(EVERYTHING);
  });
});

describe('anyOf', () => {
  it('merges value sets of one key', () => {
    expect(anyOf([exactly(req('shard', 'Equals', 'b')), exactly(req('shard', 'In', 'a'))])).toEqual(
      exactly(req('shard', 'In', 'a', 'b')),
    );
  });

  it('keeps the weaker side when one side implies the other', () => {
    const wide = exactly(req('team', 'Equals', 'x'));
    expect(anyOf([exactly(req('team', 'In', 'x'), req('tier', 'Exists')), wide])).toEqual(wide);
  });

  it('keeps only common requirements, inexactly, otherwise', () => {
    expect(
      anyOf([
        exactly(req('a', 'Exists'), req('c', 'Exists')),
        exactly(req('b', 'Exists'), req('c', 'Exists')),
      ]),
    ).toEqual({ kind: 'requirements', requirements: [req('c', 'Exists')], exact: false });
  });
});

describe('allOf', () => {
  it('is nothing when any part is', () => {
    expect(allOf([exactly(req('a', 'Exists')), NOTHING])).toEqual(NOTHING);
  });

  it('is inexact when any part is', () => {
    expect(allOf([exactly(req('a', 'Exists')), UNKNOWN])).toEqual({
      kind: 'requirements',
      requirements: [req('a', 'Exists')],
      exact: false,
    });
  });
});
