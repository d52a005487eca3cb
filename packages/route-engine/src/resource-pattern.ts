import { dnsSubdomainProblem } from './label-syntax.js';
import { failure, type ParseResult, type Problem, success } from './problem.js';

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

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const segmentProblem = (segment: string, what: string): string | undefined =>
  segment === '*' || NAME.test(segment)
    ? undefined
    : `${what} "${segment}" must be "*" or a lowercase name (letters, digits, "-")`;

/** Parses one resource pattern; malformed patterns (`po*`, `a/b/c`, `Pods`) are problems. */
export const parseResourcePattern = (pattern: string): ParseResult<ResourcePattern> => {
  const parts = pattern.split('/');
  if (parts.length > 2) {
    return failure([{ path: '', message: `resource pattern "${pattern}" has more than one "/"` }]);
  }
  const [resource, subresource] = parts as [string, string | undefined];
  const problems = [
    segmentProblem(resource, 'resource'),
    subresource === undefined ? undefined : segmentProblem(subresource, 'subresource'),
  ]
    .filter((message) => message !== undefined)
    .map((message) => ({ path: '', message: `in "${pattern}": ${message}` }));
  if (problems.length > 0) return failure(problems);
  return success(subresource === undefined ? { resource } : { resource, subresource });
};

/**
 * Every problem of one `APIGroupResource` entry, with paths relative to it: empty lists, bad
 * groups, malformed patterns, and `*` mixed with other entries (the original silently read such
 * a `*` as a literal; we refuse the ambiguity).
 */
export const apiGroupResourceProblems = (entry: ApiGroupResource): Problem[] => {
  const problems: Problem[] = [];
  const checkList = (field: 'apiGroups' | 'resources', values: readonly string[]): void => {
    if (values.length === 0) {
      problems.push({ path: field, message: `${field} must not be empty; use ["*"] for all` });
    } else if (values.includes('*') && values.length > 1) {
      problems.push({
        path: field,
        message: `"*" already matches every ${field === 'apiGroups' ? 'group' : 'resource'}; it cannot be mixed with other entries (list subresource patterns in a separate entry)`,
      });
    }
  };
  checkList('apiGroups', entry.apiGroups);
  checkList('resources', entry.resources);
  entry.apiGroups.forEach((group, index) => {
    if (group === '' || group === '*') return;
    const problem = dnsSubdomainProblem(group);
    if (problem !== undefined) {
      problems.push({ path: `apiGroups[${index}]`, message: `API group ${problem}` });
    }
  });
  entry.resources.forEach((pattern, index) => {
    const parsed = parseResourcePattern(pattern);
    if (!parsed.ok) {
      for (const problem of parsed.problems) {
        problems.push({ path: `resources[${index}]`, message: problem.message });
      }
    }
  });
  return problems;
};

interface CompiledEntry {
  /** `undefined`: every group. */
  readonly groups: ReadonlySet<string> | undefined;
  readonly patterns: readonly ResourcePattern[];
}

const patternMatches = (pattern: ResourcePattern, target: GroupResource): boolean => {
  if (pattern.resource !== '*' && pattern.resource !== target.resource) return false;
  if (pattern.subresource === undefined) return target.subresource === undefined;
  if (pattern.subresource === '*') return target.subresource !== undefined;
  return pattern.subresource === target.subresource;
};

const compileEntry = (entry: ApiGroupResource): CompiledEntry => ({
  groups: entry.apiGroups.includes('*') ? undefined : new Set(entry.apiGroups),
  patterns: entry.resources.flatMap((pattern) => {
    const parsed = parseResourcePattern(pattern);
    if (!parsed.ok) {
      // Programmer error: compileRoutes only accepts what parseVirtualApp validated.
      throw new TypeError(`invalid resource pattern "${pattern}"; validate with parseVirtualApp`);
    }
    return [parsed.value];
  }),
});

/** Compiles `APIGroupResource` entries; every pattern must have passed validation. */
export const compileResourceMatcher = (entries: readonly ApiGroupResource[]): ResourceMatcher => {
  const compiled = entries.map(compileEntry);
  const find = (target: GroupResource, named: boolean): boolean =>
    compiled.some(
      (entry) =>
        (entry.groups === undefined || entry.groups.has(target.group)) &&
        entry.patterns.some(
          (pattern) => (!named || pattern.resource !== '*') && patternMatches(pattern, target),
        ),
    );
  return {
    entries,
    matches: (target) => find(target, false),
    names: (target) => find(target, true),
  };
};
