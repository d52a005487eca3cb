import {
  type LabelRequirement,
  type LabelSelector,
  type Labels,
  matchesLabels,
} from '@ctrlmesh/route-engine';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { allOf, anyOf, fromSelector, type LabelFormula, negate, UNKNOWN } from './label-formula.js';

/** A formula tree; `unknown` leaves stand for namespace conditions that may be true or false. */
type Tree =
  | { op: 'selector'; selector: LabelSelector }
  | { op: 'unknown'; id: number }
  | { op: 'and' | 'or'; children: Tree[] }
  | { op: 'not'; child: Tree };

const KEYS = ['a', 'b', 'c'];
const VALUES = ['x', 'y', 'z'];

const arbRequirement: fc.Arbitrary<LabelRequirement> = fc.oneof(
  fc.record({
    key: fc.constantFrom(...KEYS),
    operator: fc.constantFrom('In' as const, 'NotIn' as const),
    values: fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1 }).map((v) => v.sort()),
  }),
  fc.record({
    key: fc.constantFrom(...KEYS),
    operator: fc.constantFrom('Equals' as const, 'DoubleEquals' as const, 'NotEquals' as const),
    values: fc.constantFrom(...VALUES).map((v) => [v]),
  }),
  fc.record({
    key: fc.constantFrom(...KEYS),
    operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const),
    values: fc.constant([]),
  }),
);

const arbSelector: fc.Arbitrary<LabelSelector> = fc.oneof(
  {
    weight: 9,
    arbitrary: fc
      .array(arbRequirement, { maxLength: 3 })
      .map((requirements) => ({ kind: 'requirements' as const, requirements })),
  },
  { weight: 1, arbitrary: fc.constant<LabelSelector>({ kind: 'nothing' }) },
);

const arbTree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ op: fc.constant('selector' as const), selector: arbSelector }),
    fc.record({ op: fc.constant('unknown' as const), id: fc.nat(2) }),
    fc.record({
      op: fc.constantFrom('and' as const, 'or' as const),
      children: fc.array(tie('tree'), { maxLength: 3 }),
    }),
    fc.record({ op: fc.constant('not' as const), child: tie('tree') }),
  ),
})).tree;

const arbLabels: fc.Arbitrary<Labels> = fc.dictionary(
  fc.constantFrom(...KEYS),
  fc.constantFrom(...VALUES),
);

const approximate = (tree: Tree): LabelFormula => {
  switch (tree.op) {
    case 'selector':
      return fromSelector(tree.selector);
    case 'unknown':
      return UNKNOWN;
    case 'and':
      return allOf(tree.children.map(approximate));
    case 'or':
      return anyOf(tree.children.map(approximate));
    case 'not':
      return negate(approximate(tree.child));
  }
};

const truth = (tree: Tree, labels: Labels, unknowns: readonly boolean[]): boolean => {
  switch (tree.op) {
    case 'selector':
      return matchesLabels(tree.selector, labels);
    case 'unknown':
      return unknowns[tree.id]!;
    case 'and':
      return tree.children.every((child) => truth(child, labels, unknowns));
    case 'or':
      return tree.children.some((child) => truth(child, labels, unknowns));
    case 'not':
      return !truth(tree.child, labels, unknowns);
  }
};

const matchesFormula = (formula: LabelFormula, labels: Labels): boolean =>
  formula.kind === 'requirements' &&
  matchesLabels({ kind: 'requirements', requirements: formula.requirements }, labels);

describe('label formula', () => {
  test.prop([arbTree, arbLabels, fc.array(fc.boolean(), { minLength: 3, maxLength: 3 })], {
    numRuns: 2000,
  })(
    'is implied by the formula it stands for, and equivalent when exact',
    (tree, labels, unknowns) => {
      const formula = approximate(tree);
      const value = truth(tree, labels, unknowns);
      if (value) expect(matchesFormula(formula, labels)).toBe(true);
      if (formula.kind === 'nothing') expect(value).toBe(false);
      else if (formula.exact) expect(value).toBe(matchesFormula(formula, labels));
    },
  );
});
