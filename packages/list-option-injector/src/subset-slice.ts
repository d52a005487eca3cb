import {
  type CompiledMatchEntry,
  type CompiledRoutes,
  DEFAULT_SUBSET,
  type GroupResource,
  type LabelSelector,
  type Labels,
  matchesLabels,
} from '@ctrlmesh/route-engine';
import {
  allOf,
  anyOf,
  EVERYTHING,
  fromBoolean,
  fromSelector,
  type LabelFormula,
  NOTHING,
  negate,
  UNKNOWN,
} from './label-formula.js';

/**
 * What is known about the namespace the listed objects live in.
 * - `cluster`: cluster-scoped objects; match entries that set namespace fields never match them,
 *   and global limits ignore their namespace fields (DESIGN §4.1, §4.2).
 * - `namespace`: objects in one namespace; `name` or `labels` absent when not known.
 * - `self`: Namespace objects, which live in themselves (DESIGN §4.1); absent `labels` are the
 *   object's own labels, so a namespace selector is a selector on the listed objects.
 */
export type NamespaceKnowledge =
  | { readonly kind: 'cluster' }
  | {
      readonly kind: 'namespace' | 'self';
      readonly name?: string | undefined;
      readonly labels?: Labels | undefined;
    };

/**
 * The labels an object of `resource` must have, given `where`, for `subset` to see it (it owns
 * it, or it is public, and global limits let it through): DESIGN §4 written as a label formula.
 * What the namespace knowledge cannot settle becomes an inexact part of the formula.
 * `defaultOnlyClient`: the client's user agent is one only the default subset serves (§4.6).
 * `undefined` when `subset` is neither declared nor the default subset.
 */
export const subsetSlice = (
  routes: CompiledRoutes,
  subset: string,
  resource: GroupResource,
  where: NamespaceKnowledge,
  defaultOnlyClient = false,
): LabelFormula | undefined => {
  const position = routes.subsets.findIndex((declared) => declared.name === subset);
  if (position === -1 && subset !== DEFAULT_SUBSET) return undefined;
  const applies = (entry: CompiledMatchEntry): boolean =>
    entry.resources === undefined || entry.resources.matches(resource);

  // Global limits: every entry that applies must match (DESIGN §4.2).
  const fence = allOf(
    routes.globalLimits.filter(applies).map((entry) => entryFormula(entry, where, true)),
  );
  // Such a client is the default subset's alone, for everything the fence lets through.
  if (defaultOnlyClient) return subset === DEFAULT_SUBSET ? fence : NOTHING;
  if (isPublic(routes, resource)) return fence;

  // Owner: the first subset in spec order whose rules match, else the default (DESIGN §4.4).
  const claims = routes.subsets.map((declared) =>
    anyOf(
      declared.rules.flatMap((rule) =>
        rule.entries.filter(applies).map((entry) => entryFormula(entry, where, false)),
      ),
    ),
  );
  const earlier = position === -1 ? claims : claims.slice(0, position);
  const own = position === -1 ? EVERYTHING : claims[position]!;
  return allOf([fence, own, ...earlier.map(negate)]);
};

/** DESIGN §4.3: public unless some subset rule names the resource explicitly. */
const isPublic = (routes: CompiledRoutes, resource: GroupResource): boolean =>
  routes.publicResources.matches(resource) &&
  !routes.subsets.some((subset) =>
    subset.rules.some((rule) => rule.entries.some((entry) => entry.resources?.names(resource))),
  );

/** One match entry: the AND of every field it sets (DESIGN §4.1). */
const entryFormula = (
  entry: CompiledMatchEntry,
  where: NamespaceKnowledge,
  global: boolean,
): LabelFormula => {
  const parts: LabelFormula[] = [];
  if (where.kind === 'cluster') {
    const setsNamespace =
      entry.namespaceSelector !== undefined || entry.namespaceRegex !== undefined;
    if (setsNamespace && !global) return NOTHING;
  } else {
    if (entry.namespaceSelector !== undefined) {
      parts.push(namespaceSelectorFormula(entry.namespaceSelector, where));
    }
    if (entry.namespaceRegex !== undefined) {
      parts.push(
        where.name === undefined ? UNKNOWN : fromBoolean(entry.namespaceRegex.test(where.name)),
      );
    }
  }
  if (entry.objectSelector !== undefined) parts.push(fromSelector(entry.objectSelector));
  return allOf(parts);
};

const namespaceSelectorFormula = (
  selector: LabelSelector,
  where: Exclude<NamespaceKnowledge, { kind: 'cluster' }>,
): LabelFormula => {
  if (where.labels !== undefined) return fromBoolean(matchesLabels(selector, where.labels));
  return where.kind === 'self' ? fromSelector(selector) : UNKNOWN;
};
