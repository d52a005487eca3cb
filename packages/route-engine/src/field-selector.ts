import { compareStrings } from './label-selector.js';
import { failure, type ParseResult, success } from './problem.js';

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

// Kubernetes tries the operators in this order at each position of a term (fields.splitTerm).
const OPERATORS = [
  ['!=', 'NotEquals'],
  ['==', 'DoubleEquals'],
  ['=', 'Equals'],
] as const;

const SYMBOL_OF: Record<FieldRequirement['operator'], string> = {
  NotEquals: '!=',
  DoubleEquals: '==',
  Equals: '=',
};

/** Splits on `,` that no backslash escapes; the escapes stay in the terms. */
const splitTerms = (input: string): string[] => {
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (escaped) escaped = false;
    else if (ch === '\\') escaped = true;
    else if (ch === ',') {
      terms.push(input.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(input.slice(start));
  return terms;
};

const splitTerm = (term: string): FieldRequirement | undefined => {
  for (let i = 0; i < term.length; i++) {
    for (const [symbol, operator] of OPERATORS) {
      if (term.startsWith(symbol, i)) {
        return { field: term.slice(0, i), operator, value: term.slice(i + symbol.length) };
      }
    }
  }
  return undefined;
};

/** Kubernetes' `fields.UnescapeValue`: only `\\`, `\,` and `\=` are escapes; bare `,` and `=` are errors. */
const unescapeValue = (raw: string): string | { readonly problem: string } => {
  let value = '';
  let escaped = false;
  for (const ch of raw) {
    if (escaped) {
      if (ch !== '\\' && ch !== ',' && ch !== '=') {
        return { problem: `invalid escape sequence: \\${ch}` };
      }
      value += ch;
      escaped = false;
    } else if (ch === '\\') escaped = true;
    else if (ch === ',' || ch === '=') return { problem: `invalid character: unescaped ${ch}` };
    else value += ch;
  }
  return escaped ? { problem: 'invalid escape sequence: \\' } : value;
};

/**
 * Parses a `fieldSelector=` string as Kubernetes' `fields.ParseSelector` does: terms split on
 * unescaped `,`, operators `!=`, `==`, `=` (the first position where one starts wins), values
 * unescaped (`\\`, `\,`, `\=`), no whitespace trimming, empty terms skipped, terms sorted.
 */
export const parseFieldSelector = (input: string): ParseResult<FieldSelector> => {
  const requirements: FieldRequirement[] = [];
  const terms = input === '' ? [] : splitTerms(input).sort(compareStrings);
  for (const term of terms) {
    if (term === '') continue;
    const split = splitTerm(term);
    if (split === undefined) {
      return failure([
        {
          path: 'fieldSelector',
          message: `invalid selector: '${input}'; can't understand '${term}'`,
        },
      ]);
    }
    const value = unescapeValue(split.value);
    if (typeof value !== 'string') {
      return failure([{ path: 'fieldSelector', message: value.problem }]);
    }
    requirements.push({ ...split, value });
  }
  return success({ requirements });
};

const escapeValue = (value: string): string => value.replace(/[\\,=]/g, (ch) => `\\${ch}`);

/** Formats a field selector as Kubernetes does, escaping `\`, `,` and `=` in values. */
export const formatFieldSelector = (selector: FieldSelector): string =>
  selector.requirements
    .map(({ field, operator, value }) => `${field}${SYMBOL_OF[operator]}${escapeValue(value)}`)
    .join(',');

/** Whether `fields` satisfy `selector`; a missing field has the value `""`, as in Kubernetes. */
export const matchesFields = (selector: FieldSelector, fields: Fields): boolean =>
  selector.requirements.every(({ field, operator, value }) => {
    const actual = Object.hasOwn(fields, field) ? fields[field] : '';
    return operator === 'NotEquals' ? actual !== value : actual === value;
  });
