import {
  type CompiledRoutes,
  type FieldRequirement,
  formatFieldSelector,
  formatLabelSelector,
  isNamespaceResource,
  type LabelRequirement,
  type Labels,
  MATCH_NOTHING,
  type TargetNamespace,
} from '@ctrlmesh/route-engine';
import type { LabelFormula } from './label-formula.js';
import {
  formatQueryString,
  isReadableByApiserver,
  parseQueryString,
  type QueryString,
} from './query-string.js';
import { andFieldSelector, andLabelSelector } from './selector-parameter.js';
import { type NamespaceKnowledge, subsetSlice } from './subset-slice.js';

/** A list or watch request, as the proxy has classified it. */
export interface ListRequest {
  /** API group; `""` is the core group. */
  readonly group: string;
  readonly resource: string;
  readonly scope: ListScope;
  /** The raw query, without `?`, exactly as received. */
  readonly query: string;
  /** The User-Agent the controller sent (after any `userAgentOrPrefix` override). */
  readonly userAgent?: string | undefined;
}

/**
 * Where the request looks. The path alone cannot tell a cluster-scoped resource from a list
 * across all namespaces; discovery can.
 * - `cluster`: a cluster-scoped resource.
 * - `namespace`: one namespace (`/namespaces/x/...`); `labels` when the proxy knows them.
 * - `allNamespaces`: a namespaced resource across all namespaces; `namespaces` are those the
 *   proxy knows, used only to ask the apiserver to skip namespaces the subset sees nothing in.
 *
 * Namespace objects live in themselves (DESIGN §4.1): for `namespaces`, `cluster` and
 * `allNamespaces` both mean "every Namespace", `namespace` means the one named.
 */
export type ListScope =
  | { readonly kind: 'cluster' }
  | { readonly kind: 'namespace'; readonly name: string; readonly labels?: Labels | undefined }
  | { readonly kind: 'allNamespaces'; readonly namespaces: readonly TargetNamespace[] };

/** Tuning for {@link injectListOptions}. */
export interface InjectionOptions {
  /**
   * At most this many `metadata.namespace!=x` terms; past it none are added and the proxy
   * filters (a long selector costs the apiserver a comparison per term and object). Default 20.
   */
  readonly maxNamespaceExclusions?: number | undefined;
}

/** What {@link injectListOptions} added to the client's query. */
export interface Injected {
  /** Requirements ANDed with the client's `labelSelector`. */
  readonly labelRequirements: readonly LabelRequirement[];
  /** Whether the injected label selector is the contradiction that matches no object. */
  readonly matchesNothing: boolean;
  /** Requirements ANDed with the client's `fieldSelector` (`metadata.namespace!=x`). */
  readonly fieldRequirements: readonly FieldRequirement[];
}

/** The rewritten list or watch query and how far the apiserver's answer can be trusted. */
export interface ListOptionsInjection {
  /** The new raw query; byte-identical to the request's when nothing was injected. */
  readonly query: string;
  /**
   * `exact`: the apiserver answers exactly the subset's slice of what the client asked for.
   * `superset`: it answers at least that; the proxy must still filter each item by owner.
   */
  readonly exactness: 'exact' | 'superset';
  readonly injected: Injected;
  /** Why the answer is only a superset, for logs and `explain`; empty when exact. */
  readonly reasons: readonly string[];
}

const DEFAULT_MAX_NAMESPACE_EXCLUSIONS = 20;

/**
 * Narrows a list or watch to `subset`'s slice on the apiserver (DESIGN §5 "list"): label
 * requirements from object selectors (negated for later subsets where Kubernetes can say the
 * complement exactly) and `metadata.namespace!=x` for namespaces the subset sees nothing in.
 * They are ANDed with the client's own selectors, never replacing a client requirement with the
 * same key: the original merged label maps and let `labelSelector=shard=b` override an injected
 * `shard=a` (reference §3.7), an isolation escape.
 */
export const injectListOptions = (
  routes: CompiledRoutes,
  subset: string,
  request: ListRequest,
  options: InjectionOptions = {},
): ListOptionsInjection => {
  const unchanged = (reason: string): ListOptionsInjection => ({
    query: request.query,
    exactness: 'superset',
    injected: NO_INJECTION,
    reasons: [reason],
  });
  const query = parseQueryString(request.query);
  if (!isReadableByApiserver(query)) {
    return unchanged('the apiserver ignores every parameter of a query this long');
  }
  const plan = planRestriction(routes, subset, request, options);
  if (plan === undefined) return unchanged(`subset ${subset} is not declared`);
  const result = applyPlan(query, request.query, plan);
  // An added parameter could push the query past Go's limit, and then nothing would apply.
  return isReadableByApiserver(parseQueryString(result.query))
    ? result
    : unchanged('the apiserver would ignore every parameter of the injected query');
};

/** The restriction to add, before it meets the client's query. */
interface RestrictionPlan {
  readonly labels: LabelFormula;
  readonly excludedNames: readonly string[];
  readonly excludedField: 'metadata.namespace' | 'metadata.name';
  readonly reasons: readonly string[];
}

const planRestriction = (
  routes: CompiledRoutes,
  subset: string,
  request: ListRequest,
  options: InjectionOptions,
): RestrictionPlan | undefined => {
  const resource = { group: request.group, resource: request.resource };
  const self = isNamespaceResource(resource);
  const excludedField = self ? 'metadata.name' : 'metadata.namespace';
  const { scope } = request;
  const defaultOnly =
    request.userAgent !== undefined && routes.defaultOnlyUserAgents.has(request.userAgent);
  const slice = (where: NamespaceKnowledge) =>
    subsetSlice(routes, subset, resource, where, defaultOnly);
  const kind = self ? 'self' : 'namespace';
  if (scope.kind === 'namespace') {
    const labels = slice({ kind, name: scope.name, labels: scope.labels });
    return labels && { labels, excludedNames: [], excludedField, reasons: reasonsFor(labels) };
  }
  if (scope.kind === 'cluster' && !self) {
    const labels = slice({ kind: 'cluster' });
    return labels && { labels, excludedNames: [], excludedField, reasons: reasonsFor(labels) };
  }
  // Every namespace (or every Namespace): what holds whichever namespace it is.
  const labels = slice({ kind });
  if (labels === undefined) return undefined;
  if (labels.kind === 'nothing' || labels.exact) {
    return { labels, excludedNames: [], excludedField, reasons: [] };
  }
  const known = scope.kind === 'allNamespaces' ? scope.namespaces : [];
  const excludedNames = known
    .filter((namespace) => slice({ kind, ...namespace })?.kind === 'nothing')
    .map((namespace) => namespace.name)
    .sort();
  const max = options.maxNamespaceExclusions ?? DEFAULT_MAX_NAMESPACE_EXCLUSIONS;
  const reasons = reasonsFor(labels);
  if (excludedNames.length > max) {
    return {
      labels,
      excludedNames: [],
      excludedField,
      reasons: [...reasons, `${excludedNames.length} namespaces to skip, more than ${max}`],
    };
  }
  return { labels, excludedNames, excludedField, reasons };
};

const reasonsFor = (labels: LabelFormula): string[] =>
  labels.kind === 'requirements' && !labels.exact
    ? [
        'no label selector says exactly what the subset sees here (it depends on the namespace, or on an OR or negation Kubernetes cannot express)',
      ]
    : [];

const applyPlan = (
  query: QueryString,
  raw: string,
  plan: RestrictionPlan,
): ListOptionsInjection => {
  const reasons = [...plan.reasons];
  let next = query;
  let injected: Injected = NO_INJECTION;
  const addition = labelAddition(plan.labels);
  if (addition !== undefined) {
    const anded = andLabelSelector(next, addition.text);
    if (anded.ok) {
      next = anded.query;
      injected = { ...injected, ...addition.injected };
    } else {
      reasons.push(anded.reason);
    }
  }
  const fieldRequirements = plan.excludedNames.map(
    (name): FieldRequirement => ({ field: plan.excludedField, operator: 'NotEquals', value: name }),
  );
  if (fieldRequirements.length > 0) {
    const anded = andFieldSelector(next, formatFieldSelector({ requirements: fieldRequirements }));
    if (anded.ok) {
      next = anded.query;
      injected = { ...injected, fieldRequirements };
    } else {
      reasons.push(anded.reason);
    }
  }
  return {
    query: next === query ? raw : formatQueryString(next),
    exactness: reasons.length === 0 ? 'exact' : 'superset',
    injected,
    reasons,
  };
};

const labelAddition = (
  labels: LabelFormula,
): { text: string; injected: Partial<Injected> } | undefined => {
  if (labels.kind === 'nothing') {
    return { text: formatLabelSelector(MATCH_NOTHING), injected: { matchesNothing: true } };
  }
  if (labels.requirements.length === 0) return undefined;
  return {
    text: formatLabelSelector({ kind: 'requirements', requirements: labels.requirements }),
    injected: { labelRequirements: labels.requirements },
  };
};

const NO_INJECTION: Injected = {
  labelRequirements: [],
  matchesNothing: false,
  fieldRequirements: [],
};
