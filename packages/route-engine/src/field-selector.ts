import { failure, type ParseResult } from './problem.js';

/** One term of a field selector: `field=value`, `field==value` or `field!=value`. */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: 'Equals' | 'DoubleEquals' | 'NotEquals';
  readonly value: string;
}

/** The AND of its requirements; none matches everything. */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
}

/** Field values of one object, e.g. `{ 'metadata.name': 'foo', 'metadata.namespace': 'bar' }`. */
export type Fields = Readonly<Record<string, string>>;

/**
 * Parses a `fieldSelector=` string as Kubernetes' `fields.ParseSelector` does: terms split on
 * unescaped `,`, operators `!=`, `==`, `=` (first one found wins), values unescaped (`\\`, `\,`,
 * `\=`), no whitespace trimming, terms sorted.
 */
export const parseFieldSelector = (input: string): ParseResult<FieldSelector> => {
  void input;
  return failure([{ path: 'fieldSelector', message: 'not implemented yet' }]);
};

/** Formats a field selector as Kubernetes does, escaping `\`, `,` and `=` in values. */
export const formatFieldSelector = (selector: FieldSelector): string => {
  void selector;
  return '';
};

/** Whether `fields` satisfy `selector`; a missing field has the value `""`, as in Kubernetes. */
export const matchesFields = (selector: FieldSelector, fields: Fields): boolean => {
  void fields;
  return selector.requirements.length === 0;
};
