import type { CompiledMatchEntry, CompiledRoutes } from './compiled-routes.js';
import { DEFAULT_SUBSET } from './default-subset.js';
import { type Labels, matchesLabels } from './label-selector.js';
import { formatLabelSelector } from './label-selector-string.js';
import { type ResourcePlan, resourcePlan, type SubsetPlan } from './resource-plan.js';
import type { Target, TargetNamespace } from './target.js';

/**
 * Who owns a target (DESIGN §4).
 * - `excluded`: global limits fence it off; nobody sees it.
 * - `public`: every subset sees it (subsetPublicResources).
 * - `owned`: exactly one subset (possibly `DEFAULT_SUBSET`) sees it.
 * - `dependsOnObject`: the answer depends on what is not known yet: the object's labels (a
 *   list or watch before its items are seen) or, for a list of Namespaces, which Namespace.
 *   `possibleOwners` lists every subset that may own such an object, in spec order;
 *   `mayBeExcluded`/`mayBePublic` say whether those outcomes are possible. Decide per object.
 */
export type Ownership =
  | { readonly kind: 'excluded' }
  | { readonly kind: 'public' }
  | { readonly kind: 'owned'; readonly subset: string }
  | {
      readonly kind: 'dependsOnObject';
      readonly possibleOwners: readonly string[];
      readonly mayBeExcluded: boolean;
      readonly mayBePublic: boolean;
    };

const EXCLUDED: Ownership = Object.freeze({ kind: 'excluded' });
const PUBLIC: Ownership = Object.freeze({ kind: 'public' });

/** Three-valued match: an entry may depend on facts the target does not carry yet. */
type Match = 'yes' | 'no' | 'unknown';

interface Facts {
  readonly namespace: TargetNamespace | undefined;
  /** A list of Namespaces: which namespace (and so which labels) is not known yet. */
  readonly namespaceUnknown: boolean;
  /** Global limits ignore namespace fields for cluster-scoped targets (DESIGN §4.2). */
  readonly clusterScoped: boolean;
  readonly objectLabels: Labels | undefined;
}

const factsOf = (target: Target, plan: ResourcePlan): Facts => {
  const namespaceUnknown = plan.namespaceObject && target.namespace === undefined;
  return {
    namespace: target.namespace,
    namespaceUnknown,
    clusterScoped: target.namespace === undefined && !namespaceUnknown,
    // A Namespace lives in itself (DESIGN §4.1): its labels are its namespace's labels.
    objectLabels:
      target.objectLabels ?? (plan.namespaceObject ? target.namespace?.labels : undefined),
  };
};

/** Matches every field of `entry` except `resources`, which callers handle (DESIGN §4.1). */
const matchFields = (entry: CompiledMatchEntry, facts: Facts, ignoreNamespace: boolean): Match => {
  let result: Match = 'yes';
  if (
    !ignoreNamespace &&
    (entry.namespaceSelector !== undefined || entry.namespaceRegex !== undefined)
  ) {
    const namespace = facts.namespace;
    if (facts.namespaceUnknown) result = 'unknown';
    // An entry that sets namespace fields never matches a cluster-scoped target.
    else if (namespace === undefined) return 'no';
    else if (
      (entry.namespaceSelector !== undefined &&
        !matchesLabels(entry.namespaceSelector, namespace.labels)) ||
      (entry.namespaceRegex !== undefined && !entry.namespaceRegex.test(namespace.name))
    ) {
      return 'no';
    }
  }
  if (entry.objectSelector !== undefined) {
    if (facts.objectLabels === undefined) result = 'unknown';
    else if (!matchesLabels(entry.objectSelector, facts.objectLabels)) return 'no';
  }
  return result;
};

/** A sink for the reasons `explain` prints; the hot path passes none and builds no strings. */
type Reasons = string[] | undefined;

const describeEntry = (entry: CompiledMatchEntry): string => {
  const parts: string[] = [];
  if (entry.namespaceSelector !== undefined) {
    parts.push(`namespaceSelector "${formatLabelSelector(entry.namespaceSelector)}"`);
  }
  if (entry.namespaceRegex !== undefined) {
    parts.push(`namespaceRegex "${entry.namespaceRegex.source}"`);
  }
  if (entry.objectSelector !== undefined) {
    parts.push(`objectSelector "${formatLabelSelector(entry.objectSelector)}"`);
  }
  if (entry.resources !== undefined) {
    const resources = entry.resources.entries.map(
      (r) => `${r.apiGroups.map((g) => (g === '' ? '""' : g)).join('|')}:${r.resources.join('|')}`,
    );
    parts.push(`resources ${resources.join(', ')}`);
  }
  return `${entry.path} (${parts.join(', ')})`;
};

const checkGlobalLimits = (plan: ResourcePlan, facts: Facts, reasons: Reasons): Match => {
  let result: Match = 'yes';
  for (const entry of plan.globalLimits) {
    const match = matchFields(entry, facts, facts.clusterScoped);
    if (match === 'no') {
      reasons?.push(
        `global limit ${describeEntry(entry)} does not match: excluded, no subset sees it`,
      );
      return 'no';
    }
    if (match === 'unknown') {
      reasons?.push(`global limit ${describeEntry(entry)} depends on the object`);
      result = 'unknown';
    } else {
      reasons?.push(
        facts.clusterScoped && (entry.namespaceSelector || entry.namespaceRegex)
          ? `global limit ${describeEntry(entry)} passes: its namespace fields are ignored for a cluster-scoped target`
          : `global limit ${describeEntry(entry)} matches`,
      );
    }
  }
  return result;
};

const matchSubset = ({ subset, entries }: SubsetPlan, facts: Facts, reasons: Reasons): Match => {
  let result: Match = 'no';
  for (const { rule, entry } of entries) {
    const match = matchFields(entry, facts, false);
    if (match === 'yes') {
      reasons?.push(
        `subset "${subset.name}" owns it: sub-rule "${rule.name}" entry ${describeEntry(entry)} matches (first matching subset in spec order)`,
      );
      return 'yes';
    }
    if (match === 'unknown') {
      reasons?.push(
        `subset "${subset.name}" may own it: sub-rule "${rule.name}" entry ${describeEntry(entry)} depends on the object`,
      );
      result = 'unknown';
    }
  }
  if (result === 'no') reasons?.push(`subset "${subset.name}": none of its rules matches`);
  return result;
};

/** DESIGN §4.3 in its own words, for the resource at hand. */
const claimRule = (resource: string): string =>
  `only a pattern that spells the resource out ("${resource}", "${resource}/*") claims a public resource; "*" and "*/status" do not`;

/**
 * Why a public resource stays public, or which entry claims it for subset rules: every entry of
 * a subset rule that covers the resource without spelling it out is named, so that a wildcard
 * rule that seems to claim it is explained rather than silently passed over.
 */
const explainPublicResource = (plan: ResourcePlan, target: Target, reasons: string[]): void => {
  for (const { subset, entries } of plan.subsets) {
    for (const { rule, entry } of entries) {
      const where = `sub-rule "${rule.name}" of subset "${subset.name}"`;
      // The first entry that names it is in `plan.namedBy`: subsets and rules are in spec order.
      if (entry.resources?.names(target)) {
        reasons.push(
          `it is a public resource, but ${where} spells it out in entry ${describeEntry(entry)}, so subset rules decide`,
        );
        return;
      }
      reasons.push(
        `${where}: entry ${describeEntry(entry)} ${entry.resources === undefined ? 'sets no resources' : 'covers it only through a wildcard'}, so it does not claim it`,
      );
    }
  }
  reasons.push(
    `it is a public resource (subsetPublicResources) and no subset rule spells it out: every subset sees it; ${claimRule(target.resource)}`,
  );
};

const settle = (
  possibleOwners: readonly string[],
  mayBeExcluded: boolean,
  mayBePublic: boolean,
): Ownership =>
  !mayBeExcluded && !mayBePublic && possibleOwners.length === 1
    ? ownedBy(possibleOwners[0]!)
    : { kind: 'dependsOnObject', possibleOwners, mayBeExcluded, mayBePublic };

// The hot path hands out shared frozen answers instead of allocating one per decision. Subset
// names are few (DNS labels from VirtualApps); the bound only guards against a long-lived
// process that sees many renames.
const OWNED = new Map<string, Ownership>();

const ownedBy = (subset: string): Ownership => {
  let ownership = OWNED.get(subset);
  if (ownership === undefined) {
    ownership = Object.freeze({ kind: 'owned', subset });
    if (OWNED.size >= 1024) OWNED.clear();
    OWNED.set(subset, ownership);
  }
  return ownership;
};

/**
 * The decision procedure of DESIGN §4, shared by `owner` and `explain` so that they can never
 * disagree; `reasons` collects sentences only when given.
 */
export const evaluateOwnership = (
  routes: CompiledRoutes,
  target: Target,
  reasons?: string[],
): Ownership => {
  const plan = resourcePlan(routes, target);
  const facts = factsOf(target, plan);
  // Rule 2: global limits fence what anyone may see.
  const global = checkGlobalLimits(plan, facts, reasons);
  if (global === 'no') return EXCLUDED;
  const mayBeExcluded = global === 'unknown';
  // Rule 6: some user agents are served by the default subset only.
  if (target.userAgent !== undefined && routes.defaultOnlyUserAgents.has(target.userAgent)) {
    reasons?.push(
      `user agent "${target.userAgent}" is in subsetDefaultOnlyUserAgents: only the default subset serves it`,
    );
    return settle([DEFAULT_SUBSET], mayBeExcluded, false);
  }
  // Rule 3: public resources, unless a subset rule names the resource explicitly.
  if (plan.listedPublic) {
    if (reasons !== undefined) explainPublicResource(plan, target, reasons);
    if (plan.namedBy === undefined) return mayBeExcluded ? settle([], true, true) : PUBLIC;
  }
  // Rule 4: the first subset in spec order whose rules match, else the default subset.
  const possibleOwners: string[] = [];
  for (const subsetPlan of plan.subsets) {
    const match = matchSubset(subsetPlan, facts, reasons);
    const subset = subsetPlan.subset;
    if (match === 'yes') {
      possibleOwners.push(subset.name);
      return settle(possibleOwners, mayBeExcluded, false);
    }
    if (match === 'unknown') possibleOwners.push(subset.name);
  }
  reasons?.push(
    possibleOwners.length === 0
      ? 'no subset claims it: the default subset owns what nobody claims'
      : 'if no subset claims it, the default subset owns it',
  );
  possibleOwners.push(DEFAULT_SUBSET);
  return settle(possibleOwners, mayBeExcluded, false);
};

/**
 * The owner of `target` under `routes` (DESIGN §4.1-4.4 and 4.6). Costs no parsing and no regex
 * compilation; for the reasons behind the answer use `explain`.
 */
export const owner = (routes: CompiledRoutes, target: Target): Ownership =>
  evaluateOwnership(routes, target);
