import type { RoutingState } from './handover.js';
import type { Labels } from './label-selector.js';
import { podSubset } from './pod-subset.js';

/**
 * The subset of a pod that owns nothing but public resources: a pod whose own subset differs
 * between the previous and the current revision, while `Revoking` (decision 0005). No target is
 * ever owned by it, so deciding for it allows public targets only. Subset names are DNS labels,
 * which cannot contain parentheses, so it never collides with a declared subset (nor with
 * `DEFAULT_SUBSET`).
 */
export const NO_SUBSET = '(none)';

/**
 * The subset a pod acts as under a {@link RoutingState}: its subset under the current revision
 * (`podSubset`) when `Settled` or on the first publication; during `Revoking` the same when the
 * previous revision puts it in the same subset (by name), and {@link NO_SUBSET} when not (its
 * labels match another subset, or the subsets were renamed). A pod that moves would otherwise
 * own its old slice's targets on one side of the handover and its new slice's on the other,
 * while the pods of both neighbouring phases own them too.
 */
export const handoverPodSubset = (state: RoutingState, podLabels: Labels): string => {
  const current = podSubset(state.current, podLabels);
  const previous = state.previous;
  if (state.phase === 'Settled' || previous === undefined || previous === state.current) {
    return current;
  }
  return podSubset(previous, podLabels) === current ? current : NO_SUBSET;
};
