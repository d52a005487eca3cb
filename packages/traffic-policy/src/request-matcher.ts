import {
  compileResourceMatcher,
  fromStructuredSelector,
  type LabelSelector,
  type Labels,
  matchesLabels,
  type NonResourceRequest,
  type ResourceRequest,
} from '@ctrlmesh/route-engine';
import type { RequestRule } from './request-rule.js';

/** A request as the policies see it: route-engine's parse of its method and path. */
export type PolicyRequest = ResourceRequest | NonResourceRequest;

/** What matching needs beside the request; the proxy hands in what it knows. */
export interface RequestContext {
  /** The request's `User-Agent`, if any. */
  readonly userAgent?: string | undefined;
  /** The labels of a namespace, or undefined when unknown (namespace selectors then fail). */
  readonly namespaceLabels: (namespace: string) => Labels | undefined;
}

/** A compiled `match` list: whether a request is covered by one of its entries. */
export type RequestMatcher = (request: PolicyRequest, context: RequestContext) => boolean;

// Exact entries, and prefixes written with a trailing `*` (`/apis/*`, `my-controller/*`).
interface StringPatterns {
  readonly exact: ReadonlySet<string>;
  readonly prefixes: readonly string[];
}

const compilePatterns = (patterns: readonly string[]): StringPatterns => ({
  exact: new Set(patterns.filter((pattern) => !pattern.endsWith('*'))),
  prefixes: patterns.filter((pattern) => pattern.endsWith('*')).map((p) => p.slice(0, -1)),
});

const matchesPatterns = (patterns: StringPatterns, value: string): boolean =>
  patterns.exact.has(value) || patterns.prefixes.some((prefix) => value.startsWith(prefix));

const selectorOrThrow = (rule: RequestRule): LabelSelector | undefined => {
  if (rule.namespaceSelector === undefined) return undefined;
  const selector = fromStructuredSelector(rule.namespaceSelector);
  if (!selector.ok) {
    // Programmer error: only policies that passed parseTrafficPolicy/parseFaultInjection compile.
    throw new TypeError(`invalid namespaceSelector: ${selector.problems[0]?.message}`);
  }
  return selector.value;
};

const compileEntry = (rule: RequestRule): RequestMatcher => {
  const verbs =
    rule.verbs === undefined || rule.verbs.includes('*') ? undefined : new Set<string>(rule.verbs);
  const resources = rule.resources && compileResourceMatcher(rule.resources);
  const namespaces = rule.namespaces && new Set(rule.namespaces);
  const namespaceSelector = selectorOrThrow(rule);
  const paths = rule.nonResourcePaths && compilePatterns(rule.nonResourcePaths);
  const agents = rule.userAgents && compilePatterns(rule.userAgents);
  const forResources =
    rule.verbs !== undefined ||
    resources !== undefined ||
    namespaces !== undefined ||
    namespaceSelector !== undefined;
  return (request, context) => {
    if (agents !== undefined && !matchesPatterns(agents, context.userAgent ?? '')) return false;
    if (request.kind === 'nonResource') {
      if (forResources) return false;
      return paths === undefined || matchesPatterns(paths, request.path);
    }
    if (paths !== undefined) return false;
    if (verbs !== undefined && !verbs.has(request.verb)) return false;
    if (resources !== undefined && !resources.matches(request)) return false;
    if (namespaces === undefined && namespaceSelector === undefined) return true;
    const namespace = request.namespace;
    if (namespace === undefined) return false;
    if (namespaces !== undefined && !namespaces.has(namespace)) return false;
    if (namespaceSelector === undefined) return true;
    const labels = context.namespaceLabels(namespace);
    return labels !== undefined && matchesLabels(namespaceSelector, labels);
  };
};

const EVERY_REQUEST: RequestMatcher = () => true;

/**
 * Compiles a rule's `match` list; absent matches every request. The entries must have passed
 * validation (a bad selector or resource pattern throws: a programmer error).
 */
export const compileRequestMatcher = (
  match: readonly RequestRule[] | undefined,
): RequestMatcher => {
  if (match === undefined) return EVERY_REQUEST;
  const entries = match.map(compileEntry);
  return (request, context) => entries.some((entry) => entry(request, context));
};
