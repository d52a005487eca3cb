import type { LabelSelector } from './label-selector.js';
import { failure, type ParseResult } from './problem.js';

/**
 * Parses the string form used in `labelSelector=` queries (`a=b`, `a==b`, `a!=b`,
 * `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`, `a<1`) exactly as Kubernetes' `labels.Parse`
 * does: same tokens, same whitespace rules, same validation, requirements sorted by key.
 * The empty string is the selector that matches everything.
 */
export const parseLabelSelector = (input: string): ParseResult<LabelSelector> => {
  void input;
  return failure([{ path: 'labelSelector', message: 'not implemented yet' }]);
};

/**
 * Formats a selector as Kubernetes' `Selector.String()` does (requirements joined by `,`, values
 * sorted). The "nothing" selector has no string form in Kubernetes; it is written as the
 * contradiction `ctrlmesh.io/nothing,!ctrlmesh.io/nothing`, which the apiserver accepts and which
 * matches no object.
 */
export const formatLabelSelector = (selector: LabelSelector): string => {
  void selector;
  return '';
};
