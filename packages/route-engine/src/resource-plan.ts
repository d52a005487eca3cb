import type {
  CompiledMatchEntry,
  CompiledRoutes,
  CompiledRule,
  CompiledSubset,
} from './compiled-routes.js';
import type { GroupResource } from './resource-pattern.js';
import { isNamespaceResource } from './target.js';

/** A subset's entries that apply to one resource, with the rule each came from. */
export interface SubsetPlan {
  readonly subset: CompiledSubset;
  readonly entries: readonly { readonly rule: CompiledRule; readonly entry: CompiledMatchEntry }[];
}

/**
 * Everything about a VirtualApp that depends only on the group/resource/subresource of a target,
 * worked out once per resource: which global limits apply, whether the resource is public, and
 * each subset's entries whose `resources` match. Decisions then only look at namespaces and
 * labels.
 */
export interface ResourcePlan {
  /** Core `namespaces`: such a target lives in itself (DESIGN §4.1). */
  readonly namespaceObject: boolean;
  readonly globalLimits: readonly CompiledMatchEntry[];
  /** Listed in subsetPublicResources. */
  readonly listedPublic: boolean;
  /** The first subset with a rule that names the resource explicitly (DESIGN §4.3). */
  readonly namedBy: CompiledSubset | undefined;
  readonly subsets: readonly SubsetPlan[];
}

const applies = (entry: CompiledMatchEntry, target: GroupResource): boolean =>
  entry.resources === undefined || entry.resources.matches(target);

const buildPlan = (routes: CompiledRoutes, target: GroupResource): ResourcePlan => ({
  namespaceObject: isNamespaceResource(target),
  globalLimits: routes.globalLimits.filter((entry) => applies(entry, target)),
  listedPublic: routes.publicResources.matches(target),
  namedBy: routes.subsets.find((subset) =>
    subset.rules.some((rule) => rule.entries.some((entry) => entry.resources?.names(target))),
  ),
  subsets: routes.subsets.map((subset) => ({
    subset,
    entries: subset.rules.flatMap((rule) =>
      rule.entries.filter((entry) => applies(entry, target)).map((entry) => ({ rule, entry })),
    ),
  })),
});

/**
 * Resource names come from request paths, which clients choose, so the number of plans kept
 * per CompiledRoutes is bounded; past it the cache starts over.
 */
export const MAX_PLANS = 4096;

// Nested maps rather than one map keyed by a joined string: building and hashing a new string
// on every decision was the largest cost on the hot path.
interface PlanCache {
  size: number;
  readonly byResource: Map<string, Map<string, Map<string | undefined, ResourcePlan>>>;
}

const newCache = (): PlanCache => ({ size: 0, byResource: new Map() });

// Plans hang off the immutable CompiledRoutes they were built from, and go with it.
const caches = new WeakMap<CompiledRoutes, PlanCache>();

// A proxy decides against one snapshot at a time: remembering the last one's cache skips the
// WeakMap on the hot path (and keeps that one snapshot alive until the next is used).
let lastRoutes: CompiledRoutes | undefined;
let lastCache = newCache();

const cacheOf = (routes: CompiledRoutes): PlanCache => {
  if (routes === lastRoutes) return lastCache;
  let cache = caches.get(routes);
  if (cache === undefined) {
    cache = newCache();
    caches.set(routes, cache);
  }
  lastRoutes = routes;
  lastCache = cache;
  return cache;
};

/** The plan for `target`'s group/resource/subresource under `routes`, built on first use. */
export const resourcePlan = (routes: CompiledRoutes, target: GroupResource): ResourcePlan => {
  const cache = cacheOf(routes);
  const plan = cache.byResource.get(target.resource)?.get(target.group)?.get(target.subresource);
  if (plan !== undefined) return plan;
  if (cache.size >= MAX_PLANS) {
    cache.byResource.clear();
    cache.size = 0;
  }
  let byGroup = cache.byResource.get(target.resource);
  if (byGroup === undefined) {
    byGroup = new Map();
    cache.byResource.set(target.resource, byGroup);
  }
  let bySubresource = byGroup.get(target.group);
  if (bySubresource === undefined) {
    bySubresource = new Map();
    byGroup.set(target.group, bySubresource);
  }
  const built = buildPlan(routes, target);
  bySubresource.set(target.subresource, built);
  cache.size++;
  return built;
};
