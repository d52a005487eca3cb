import { labelKeyProblem, labelValueProblem } from './label-syntax.js';
import { failure, type ParseResult, type Problem, success } from './problem.js';

/**
 * Operators of one label requirement. `In`/`NotIn`/`Exists`/`DoesNotExist` come from structured
 * selectors; `Equals` (`a=b`), `DoubleEquals` (`a==b`), `NotEquals` (`a!=b`), `GreaterThan`
 * (`a>1`) and `LessThan` (`a<1`) from the string form. Kubernetes accepts `>`/`<` in
 * `labelSelector=` queries, so we parse them too rather than refuse a request the apiserver serves.
 */
export type LabelOperator =
  | 'In'
  | 'NotIn'
  | 'Exists'
  | 'DoesNotExist'
  | 'Equals'
  | 'DoubleEquals'
  | 'NotEquals'
  | 'GreaterThan'
  | 'LessThan';

/** One requirement on one label key; `values` is sorted and free of duplicates, as in Kubernetes. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/**
 * A label selector: either the AND of its requirements (no requirement matches everything), or
 * the explicit "matches nothing" value that Kubernetes uses for a null selector.
 */
export type LabelSelector =
  | { readonly kind: 'requirements'; readonly requirements: readonly LabelRequirement[] }
  | { readonly kind: 'nothing' };

/** The selector that matches every label set (an empty `{}` selector). */
export const MATCH_EVERYTHING: LabelSelector = Object.freeze({
  kind: 'requirements',
  requirements: Object.freeze([]),
});

/** The selector that matches no label set (a null selector where Kubernetes says so). */
export const MATCH_NOTHING: LabelSelector = Object.freeze({ kind: 'nothing' });

/** One `matchExpressions` entry of a structured (`metav1.LabelSelector`) selector. */
export interface LabelSelectorExpression {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[] | undefined;
}

/** The structured form, `metav1.LabelSelector`, as it appears in a VirtualApp. */
export interface StructuredLabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>> | undefined;
  readonly matchExpressions?: readonly LabelSelectorExpression[] | undefined;
}

/** Labels of an object or namespace. */
export type Labels = Readonly<Record<string, string>>;

/** Builds a requirement, checking it as Kubernetes' `NewRequirement` does; values are sorted and deduplicated. */
export const labelRequirement = (
  key: string,
  operator: LabelOperator,
  values: readonly string[],
  path = '',
): ParseResult<LabelRequirement> => {
  const problems: Problem[] = [];
  const keyProblem = labelKeyProblem(key);
  if (keyProblem !== undefined) problems.push({ path: joinPath(path, 'key'), message: keyProblem });
  const valuesPath = joinPath(path, 'values');
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) {
        problems.push({
          path: valuesPath,
          message: `operator ${operator} needs at least one value`,
        });
      }
      break;
    case 'Equals':
    case 'DoubleEquals':
    case 'NotEquals':
      if (values.length !== 1) {
        problems.push({
          path: valuesPath,
          message: `operator ${operator} needs exactly one value`,
        });
      }
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0) {
        problems.push({ path: valuesPath, message: `operator ${operator} must not have values` });
      }
      break;
    case 'GreaterThan':
    case 'LessThan':
      if (values.length !== 1) {
        problems.push({
          path: valuesPath,
          message: `operator ${operator} needs exactly one value`,
        });
      }
      values.forEach((value, index) => {
        if (parseInt64(value) === undefined) {
          problems.push({
            path: `${valuesPath}[${index}]`,
            message: `operator ${operator} needs an integer value, got "${value}"`,
          });
        }
      });
      break;
  }
  values.forEach((value, index) => {
    const valueProblem = labelValueProblem(value);
    if (valueProblem !== undefined) {
      problems.push({ path: `${valuesPath}[${index}]`, message: valueProblem });
    }
  });
  if (problems.length > 0) return failure(problems);
  return success({ key, operator, values: [...new Set(values)].sort(compareStrings) });
};

/** Builds the AND of requirements, sorted by key as Kubernetes' `Selector.Add` does. */
export const selectorOf = (requirements: readonly LabelRequirement[]): LabelSelector => ({
  kind: 'requirements',
  requirements: [...requirements].sort((a, b) => compareStrings(a.key, b.key)),
});

/**
 * Converts a structured selector as Kubernetes' `LabelSelectorAsSelector` does: `null` and
 * `undefined` match nothing, `{}` matches everything, `matchLabels` become `Equals`.
 */
export const fromStructuredSelector = (
  selector: StructuredLabelSelector | null | undefined,
): ParseResult<LabelSelector> => {
  if (selector === null || selector === undefined) return success(MATCH_NOTHING);
  const problems: Problem[] = [];
  const requirements: LabelRequirement[] = [];
  const collect = (result: ParseResult<LabelRequirement>): void => {
    if (result.ok) requirements.push(result.value);
    else problems.push(...result.problems);
  };
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    const path = `matchLabels.${key}`;
    const entryProblems = [labelKeyProblem(key), labelValueProblem(value)].filter(
      (message) => message !== undefined,
    );
    if (entryProblems.length === 0) requirements.push({ key, operator: 'Equals', values: [value] });
    for (const message of entryProblems) problems.push({ path, message });
  }
  (selector.matchExpressions ?? []).forEach((expression, index) => {
    collect(
      labelRequirement(
        expression.key,
        expression.operator,
        expression.values ?? [],
        `matchExpressions[${index}]`,
      ),
    );
  });
  if (problems.length > 0) return failure(problems);
  return success(requirements.length === 0 ? MATCH_EVERYTHING : selectorOf(requirements));
};

/**
 * Converts back to the structured form. `Equals`/`DoubleEquals` become `matchLabels` (or `In`
 * when a key has two of them), `NotEquals` becomes `NotIn`. `GreaterThan`/`LessThan` and the
 * "nothing" selector have no structured form and are reported as problems.
 */
export const toStructuredSelector = (
  selector: LabelSelector,
): ParseResult<StructuredLabelSelector> => {
  if (selector.kind === 'nothing') {
    return failure([{ path: '', message: 'the "nothing" selector has no structured form' }]);
  }
  const matchLabels: Record<string, string> = {};
  const matchExpressions: LabelSelectorExpression[] = [];
  const problems: Problem[] = [];
  selector.requirements.forEach((requirement, index) => {
    const { key, operator, values } = requirement;
    switch (operator) {
      case 'Equals':
      case 'DoubleEquals':
        if (!Object.hasOwn(matchLabels, key)) matchLabels[key] = values[0]!;
        else if (matchLabels[key] !== values[0]) {
          matchExpressions.push({ key, operator: 'In', values });
        }
        break;
      case 'NotEquals':
        matchExpressions.push({ key, operator: 'NotIn', values });
        break;
      case 'In':
      case 'NotIn':
        matchExpressions.push({ key, operator, values });
        break;
      case 'Exists':
      case 'DoesNotExist':
        matchExpressions.push({ key, operator });
        break;
      case 'GreaterThan':
      case 'LessThan':
        problems.push({
          path: `requirements[${index}]`,
          message: `operator ${operator} has no structured form (metav1.LabelSelector)`,
        });
        break;
    }
  });
  if (problems.length > 0) return failure(problems);
  return success({
    ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
    ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
  });
};

/** Whether `labels` satisfy `selector`, with Kubernetes' semantics (`a!=b` matches objects without `a`). */
export const matchesLabels = (selector: LabelSelector, labels: Labels): boolean => {
  if (selector.kind === 'nothing') return false;
  for (const requirement of selector.requirements) {
    if (!matchesRequirement(requirement, labels)) return false;
  }
  return true;
};

const matchesRequirement = (
  { key, operator, values }: LabelRequirement,
  labels: Labels,
): boolean => {
  const has = Object.hasOwn(labels, key);
  switch (operator) {
    case 'In':
    case 'Equals':
    case 'DoubleEquals':
      return has && values.includes(labels[key]!);
    case 'NotIn':
    case 'NotEquals':
      return !has || !values.includes(labels[key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'GreaterThan':
    case 'LessThan': {
      // Kubernetes: a missing label or a value that is not an integer never matches.
      const actual = has ? parseInt64(labels[key]!) : undefined;
      const bound = parseInt64(values[0] ?? '');
      if (actual === undefined || bound === undefined) return false;
      return operator === 'GreaterThan' ? actual > bound : actual < bound;
    }
  }
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's `strconv.ParseInt(s, 10, 64)`: optional sign, decimal digits, 64-bit range. */
const parseInt64 = (text: string): bigint | undefined => {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
};

/** Byte-wise string order, as Go's `sort.Strings` (our keys and values are ASCII). */
export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const joinPath = (base: string, field: string): string =>
  base === '' ? field : `${base}.${field}`;
