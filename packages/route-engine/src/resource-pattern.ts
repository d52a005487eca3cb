import { failure, type ParseResult } from './problem.js';

/** What a request or object is, as far as resource rules care: `apps` `deployments` `scale`. */
export interface GroupResource {
  /** API group; `""` is the core group. */
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string | undefined;
}

/**
 * One resource pattern of an `APIGroupResource`: `pods`, `pods/log`, `*` (every resource, no
 * subresources), `pods/*`, `*\/scale`, `*\/*`.
 */
export interface ResourcePattern {
  /** The resource name, or `*` for any. */
  readonly resource: string;
  /** Absent: matches only requests without a subresource. `*`: any subresource (but not none). */
  readonly subresource?: string | undefined;
}

/** An `APIGroupResource` entry of a VirtualApp (`{ apiGroups: [...], resources: [...] }`). */
export interface ApiGroupResource {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
}

/** Compiled `APIGroupResource` entries: answers "does this list cover this group/resource?". */
export interface ResourceMatcher {
  /** The entries it was compiled from, for display and for other packages. */
  readonly entries: readonly ApiGroupResource[];
  /** Whether some entry's group and resource pattern both match. */
  readonly matches: (target: GroupResource) => boolean;
  /**
   * Whether some entry matches with the resource spelled out (not `*`): DESIGN §4.3 keeps a
   * public resource public unless a subset rule names it explicitly.
   */
  readonly names: (target: GroupResource) => boolean;
}

/** Parses one resource pattern; malformed patterns (`po*`, `a/b/c`, `Pods`) are problems. */
export const parseResourcePattern = (pattern: string): ParseResult<ResourcePattern> => {
  void pattern;
  return failure([{ path: '', message: 'not implemented yet' }]);
};

/** Compiles `APIGroupResource` entries; every pattern must have passed validation. */
export const compileResourceMatcher = (entries: readonly ApiGroupResource[]): ResourceMatcher => ({
  entries,
  matches: () => false,
  names: () => false,
});
