/** What a request came back with, as a breaker sees it: a status code, or no answer at all. */
export type RequestOutcome = { readonly code: number } | { readonly transportError: true };

/** Whether `entry` is a valid `failureCodes` entry: `503`, `5xx`, or `transport`. */
export const isFailureCode = (entry: string): boolean =>
  entry === 'transport' || /^[1-5](?:[0-9]{2}|xx)$/.test(entry);

/**
 * Compiles `failureCodes` into a predicate over outcomes. Entries must have passed
 * {@link isFailureCode}.
 */
export const failureClassifier = (
  entries: readonly string[],
): ((outcome: RequestOutcome) => boolean) => {
  const transport = entries.includes('transport');
  const codes = new Set<number>();
  const classes = new Set<number>();
  for (const entry of entries) {
    if (entry === 'transport') continue;
    if (entry.endsWith('xx')) classes.add(Number(entry[0]));
    else codes.add(Number(entry));
  }
  return (outcome) =>
    'transportError' in outcome
      ? transport
      : codes.has(outcome.code) || classes.has(Math.floor(outcome.code / 100));
};
