import { type CompiledRoutes, type Labels, matchesLabels } from '@ctrlmesh/route-engine';

/**
 * Whether relabelling a namespace from `before` to `after` can change any decision under `routes`.
 * Namespace labels reach ownership only through `namespaceSelector`s (global limits and subset rules),
 * so if every selector answers the same for both label sets, no object moves and no watch needs to
 * end. Any difference is enough: which objects move would need the objects.
 */
export const relabelMatters = (routes: CompiledRoutes, before: Labels, after: Labels): boolean => {
  const entries = [
    ...routes.globalLimits,
    ...routes.subsets.flatMap((subset) => subset.rules.flatMap((rule) => rule.entries)),
  ];
  return entries.some(
    ({ namespaceSelector }) =>
      namespaceSelector !== undefined &&
      matchesLabels(namespaceSelector, before) !== matchesLabels(namespaceSelector, after),
  );
};
