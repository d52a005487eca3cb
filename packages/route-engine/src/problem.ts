/** One thing wrong with an input, with where it is (`spec.subsets[1].routeRules[0]`). */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** The outcome of parsing or validating: the value, or every problem found at once. */
export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** Wraps a value as a successful {@link ParseResult}. */
export const success = <T>(value: T): ParseResult<T> => ({ ok: true, value });

/** Wraps problems as a failed {@link ParseResult}. */
export const failure = <T>(problems: readonly Problem[]): ParseResult<T> => ({
  ok: false,
  problems,
});

/** Joins path segments the way our messages print them: `spec.subsets[1].labels`. */
export const formatPath = (segments: readonly PropertyKey[]): string =>
  segments.reduce<string>((path, segment) => {
    if (typeof segment === 'number') return `${path}[${segment}]`;
    const key = String(segment);
    return path === '' ? key : `${path}.${key}`;
  }, '');
