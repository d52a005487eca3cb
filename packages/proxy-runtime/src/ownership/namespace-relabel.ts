import { type Labels, matchesLabels, type RoutingState } from '@ctrlmesh/route-engine';

/**
 * Whether relabelling a namespace from `before` to `after` can change any decision under `state`.
 * Namespace labels reach ownership only through `namespaceSelector`s (global limits and subset rules)
 * of the revisions in play (both while `Revoking`), so if every selector answers the same for both
 * label sets, no object moves and no watch needs to end. Any difference is enough: which objects
 * move would need the objects.
 */
export const relabelMatters = (state: RoutingState, before: Labels, after: Labels): boolean => {
  const revisions =
    state.phase === 'Revoking' && state.previous !== undefined
      ? [state.current, state.previous]
      : [state.current];
  const entries = revisions.flatMap((routes) => [
    ...routes.globalLimits,
    ...routes.subsets.flatMap((subset) => subset.rules.flatMap((rule) => rule.entries)),
  ]);
  return entries.some(
    ({ namespaceSelector }) =>
      namespaceSelector !== undefined &&
      matchesLabels(namespaceSelector, before) !== matchesLabels(namespaceSelector, after),
  );
};
