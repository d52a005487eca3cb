import { RE2JS } from 're2js';
import { failure, type ParseResult, success } from './problem.js';

/** A compiled `namespaceRegex`: RE2 syntax, linear-time, unanchored search like Go's `MatchString`. */
export interface NamespaceRegex {
  /** The pattern as written in the VirtualApp. */
  readonly source: string;
  /** Whether the pattern occurs anywhere in `name` (anchor it with `^...$` for a full match). */
  readonly test: (name: string) => boolean;
}

/**
 * Compiles a `namespaceRegex` with re2js, an RE2 port that matches in linear time, so that a
 * VirtualApp author cannot hang a proxy with a pathological pattern (DESIGN §3). Perl-only
 * syntax that RE2 and Go refuse (look-around, back-references) is a problem here too.
 */
export const compileNamespaceRegex = (source: string): ParseResult<NamespaceRegex> => {
  try {
    const regex = RE2JS.compile(source);
    // RE2JS#test is an unanchored search, as Go's MatchString (DESIGN §4.1).
    return success({ source, test: (name) => regex.test(name) });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return failure([{ path: '', message: `invalid RE2 regex "${source}": ${detail}` }]);
  }
};
