import { parseFieldSelector, parseLabelSelector } from '@ctrlmesh/route-engine';
import { type QueryString, readParameter, setParameter } from './query-string.js';

/** The query with a selector ANDed in, or why it was left alone. */
export type AndedSelector =
  | { readonly ok: true; readonly query: QueryString }
  | { readonly ok: false; readonly reason: string };

/**
 * ANDs `addition` (a selector string) into the `parameter` the apiserver reads. Both selector
 * languages are a comma-separated AND of terms, so the client's text is kept as written and ours
 * is appended after a comma: a client term on the same key stays beside ours instead of
 * replacing it. A client selector that does not parse is left alone (the apiserver rejects it
 * with 400); so is any combination that does not read back as the client's terms plus ours.
 * `countTerms` parses a selector string and counts its terms (`undefined` if it does not parse).
 */
const andSelector =
  (parameter: string, countTerms: (text: string) => number | undefined) =>
  (query: QueryString, addition: string): AndedSelector => {
    const current = readParameter(query, parameter);
    const ours = countTerms(addition);
    const theirs = current === undefined ? 0 : countTerms(current);
    if (ours === undefined) return { ok: false, reason: `cannot write ${parameter} ${addition}` };
    if (theirs === undefined)
      return { ok: false, reason: `the client's ${parameter} does not parse` };
    const combined = current === undefined || theirs === 0 ? addition : `${current},${addition}`;
    if (countTerms(combined) !== theirs + ours) {
      return { ok: false, reason: `the client's ${parameter} cannot be extended safely` };
    }
    return { ok: true, query: setParameter(query, parameter, combined) };
  };

/** ANDs label requirements into `labelSelector` (see {@link andSelector}). */
export const andLabelSelector = andSelector('labelSelector', (text) => {
  const parsed = parseLabelSelector(text);
  return parsed.ok && parsed.value.kind === 'requirements'
    ? parsed.value.requirements.length
    : undefined;
});

/** ANDs field requirements into `fieldSelector` (see {@link andSelector}). */
export const andFieldSelector = andSelector('fieldSelector', (text) => {
  const parsed = parseFieldSelector(text);
  return parsed.ok ? parsed.value.requirements.length : undefined;
});
