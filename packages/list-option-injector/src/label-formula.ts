import type { LabelRequirement, LabelSelector } from '@ctrlmesh/route-engine';

/**
 * A boolean formula over an object's labels, kept in the only shape a `labelSelector` query can
 * carry: an AND of requirements. When the true formula has no such shape we keep a weaker one
 * that it implies, and say so.
 *
 * - `nothing`: the formula is false for every label set (exactly).
 * - `requirements`: the formula implies the AND of `requirements`; if `exact`, it is equivalent
 *   to it. No requirements means "true" (exact) or "we cannot narrow it" (not exact).
 */
export type LabelFormula =
  | { readonly kind: 'nothing' }
  | {
      readonly kind: 'requirements';
      readonly requirements: readonly LabelRequirement[];
      readonly exact: boolean;
    };

/** True for every label set. */
export const EVERYTHING: LabelFormula = { kind: 'requirements', requirements: [], exact: true };

/** False for every label set. */
export const NOTHING: LabelFormula = { kind: 'nothing' };

/** A condition we cannot express or do not know (e.g. a namespace regex on an unknown name). */
export const UNKNOWN: LabelFormula = { kind: 'requirements', requirements: [], exact: false };

/** The formula of a compiled label selector (exact). */
export const fromSelector = (selector: LabelSelector): LabelFormula =>
  selector.kind === 'nothing'
    ? NOTHING
    : { kind: 'requirements', requirements: selector.requirements, exact: true };

/** A constant: {@link EVERYTHING} or {@link NOTHING}. */
export const fromBoolean = (value: boolean): LabelFormula => (value ? EVERYTHING : NOTHING);

/** The AND of formulas: every requirement of each, exact when each is. */
export const allOf = (formulas: readonly LabelFormula[]): LabelFormula => {
  const requirements: LabelRequirement[] = [];
  let exact = true;
  for (const formula of formulas) {
    if (formula.kind === 'nothing') return NOTHING;
    exact &&= formula.exact;
    for (const requirement of formula.requirements) {
      if (!requirements.some((known) => sameRequirement(known, requirement))) {
        requirements.push(requirement);
      }
    }
  }
  return { kind: 'requirements', requirements, exact };
};

/** The OR of formulas (a subset's claim is the OR of its match entries, DESIGN §4.1). */
export const anyOf = (formulas: readonly LabelFormula[]): LabelFormula =>
  formulas.reduce<LabelFormula>(either, NOTHING);

/**
 * The negation, exact only for a single requirement with an exact complement in Kubernetes'
 * semantics: `in`/`notin` (absent keys match `notin`), `exists`/`!`, `=`/`!=`. Anything else
 * (several requirements, `>`/`<`, an inexact formula) becomes "cannot narrow": a selector that
 * negates requirement by requirement, as the original did, would hide objects (reference §3.4).
 */
export const negate = (formula: LabelFormula): LabelFormula => {
  if (formula.kind === 'nothing') return EVERYTHING;
  if (!formula.exact) return UNKNOWN;
  const [only, ...rest] = formula.requirements;
  if (only === undefined) return NOTHING;
  if (rest.length > 0) return UNKNOWN;
  const operator = COMPLEMENT[only.operator];
  return operator === undefined
    ? UNKNOWN
    : { kind: 'requirements', requirements: [{ ...only, operator }], exact: true };
};

const COMPLEMENT: Readonly<
  Record<LabelRequirement['operator'], LabelRequirement['operator'] | undefined>
> = {
  In: 'NotIn',
  NotIn: 'In',
  Exists: 'DoesNotExist',
  DoesNotExist: 'Exists',
  Equals: 'NotEquals',
  DoubleEquals: 'NotEquals',
  NotEquals: 'Equals',
  GreaterThan: undefined,
  LessThan: undefined,
};

const either = (a: LabelFormula, b: LabelFormula): LabelFormula => {
  if (a.kind === 'nothing') return b;
  if (b.kind === 'nothing') return a;
  // If a is exact and b implies all of a's requirements, then b implies a, so a OR b is a.
  if (a.exact && includesAll(b.requirements, a.requirements)) return a;
  if (b.exact && includesAll(a.requirements, b.requirements)) return b;
  const union = unionOfValueSets(a, b);
  if (union !== undefined) return union;
  return {
    kind: 'requirements',
    requirements: a.requirements.filter((requirement) =>
      b.requirements.some((other) => sameRequirement(requirement, other)),
    ),
    exact: false,
  };
};

/** `k in (x)` OR `k in (y)` is exactly `k in (x,y)`. */
const unionOfValueSets = (
  a: Extract<LabelFormula, { kind: 'requirements' }>,
  b: Extract<LabelFormula, { kind: 'requirements' }>,
): LabelFormula | undefined => {
  const [ra, ...restA] = a.requirements;
  const [rb, ...restB] = b.requirements;
  if (!a.exact || !b.exact || ra === undefined || rb === undefined) return undefined;
  if (restA.length > 0 || restB.length > 0 || ra.key !== rb.key) return undefined;
  if (!isMembership(ra) || !isMembership(rb)) return undefined;
  const values = [...new Set([...ra.values, ...rb.values])].sort();
  return {
    kind: 'requirements',
    requirements: [{ key: ra.key, operator: 'In', values }],
    exact: true,
  };
};

/** `k in (...)`, `k=v` and `k==v` all say "k is present with one of these values". */
const isMembership = (requirement: LabelRequirement): boolean =>
  canonicalOperator(requirement.operator) === 'In';

/** `k=v` is `k in (v)` and `k!=v` is `k notin (v)` in Kubernetes' semantics. */
const canonicalOperator = (
  operator: LabelRequirement['operator'],
): LabelRequirement['operator'] => {
  if (operator === 'Equals' || operator === 'DoubleEquals') return 'In';
  if (operator === 'NotEquals') return 'NotIn';
  return operator;
};

const includesAll = (
  haystack: readonly LabelRequirement[],
  needles: readonly LabelRequirement[],
): boolean => needles.every((needle) => haystack.some((hay) => sameRequirement(hay, needle)));

const sameRequirement = (a: LabelRequirement, b: LabelRequirement): boolean => {
  if (a.key !== b.key || canonicalOperator(a.operator) !== canonicalOperator(b.operator)) {
    return false;
  }
  const valuesA = [...new Set(a.values)].sort();
  const valuesB = [...new Set(b.values)].sort();
  return valuesA.length === valuesB.length && valuesA.every((value, i) => value === valuesB[i]);
};
