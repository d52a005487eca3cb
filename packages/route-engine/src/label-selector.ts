import { failure, type ParseResult, success } from './problem.js';

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

/**
 * Converts a structured selector as Kubernetes' `LabelSelectorAsSelector` does: `null` and
 * `undefined` match nothing, `{}` matches everything, `matchLabels` become `Equals`.
 */
export const fromStructuredSelector = (
  selector: StructuredLabelSelector | null | undefined,
): ParseResult<LabelSelector> => {
  void selector;
  return failure([{ path: '', message: 'not implemented yet' }]);
};

/**
 * Converts back to the structured form. `Equals`/`DoubleEquals` become `matchLabels` (or `In`
 * when a key has two of them), `NotEquals` becomes `NotIn`. `GreaterThan`/`LessThan` and the
 * "nothing" selector have no structured form and are reported as problems.
 */
export const toStructuredSelector = (
  selector: LabelSelector,
): ParseResult<StructuredLabelSelector> => {
  void selector;
  return success({});
};

/** Whether `labels` satisfy `selector`, with Kubernetes' semantics (`a!=b` matches objects without `a`). */
export const matchesLabels = (selector: LabelSelector, labels: Labels): boolean => {
  void labels;
  return selector.kind === 'requirements' && selector.requirements.length === 0;
};
