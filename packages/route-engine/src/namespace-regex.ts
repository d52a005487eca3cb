import { RE2JS } from 're2js';
import { failure, type ParseResult, success } from './problem.js';

/** A compiled `namespaceRegex`: RE2 syntax, linear-time, unanchored search like Go's `MatchString`. */
export interface NamespaceRegex {
  /** The pattern as written in the VirtualApp. */
  readonly source: string;
  /** Whether the pattern occurs anywhere in `name` (anchor it with `^...$` for a full match). */
  readonly test: (name: string) => boolean;
}

/** How many namespace names one regex remembers answers for before it starts over. */
export const MAX_REMEMBERED_NAMES = 10_000;

/**
 * Compiles a `namespaceRegex` with re2js, an RE2 port that matches in linear time, so that a
 * VirtualApp author cannot hang a proxy with a pathological pattern (DESIGN §3). Perl-only
 * syntax that RE2 and Go refuse (look-around, back-references) is a problem here too.
 */
export const compileNamespaceRegex = (source: string): ParseResult<NamespaceRegex> => {
  try {
    const regex = RE2JS.compile(source);
    // Linear time is still a few hundred nanoseconds per search, and a proxy asks about the same
    // few namespaces again and again, so answers are remembered. The cache only ever holds what
    // the pure function would return; it is bounded and simply starts over when full.
    const answers = new Map<string, boolean>();
    const test = (name: string): boolean => {
      const known = answers.get(name);
      if (known !== undefined) return known;
      // RE2JS#test is an unanchored search, as Go's MatchString (DESIGN §4.1).
      const answer = regex.test(name);
      if (answers.size >= MAX_REMEMBERED_NAMES) answers.clear();
      answers.set(name, answer);
      return answer;
    };
    return success({ source, test });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return failure([{ path: '', message: `invalid RE2 regex "${source}": ${detail}` }]);
  }
};
