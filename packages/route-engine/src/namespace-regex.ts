/** A compiled `namespaceRegex`: RE2 syntax, linear-time, unanchored search like Go's `MatchString`. */
export interface NamespaceRegex {
  /** The pattern as written in the VirtualApp. */
  readonly source: string;
  /** Whether the pattern occurs anywhere in `name` (anchor it with `^...$` for a full match). */
  readonly test: (name: string) => boolean;
}
