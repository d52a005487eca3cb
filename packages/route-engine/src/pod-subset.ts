import type { CompiledRoutes } from './compiled-routes.js';
import { DEFAULT_SUBSET } from './default-subset.js';
import type { Labels } from './label-selector.js';

/**
 * The subset a pod belongs to: the first subset, in spec order, whose labels are all on the
 * pod; `DEFAULT_SUBSET` if none (DESIGN §4.5).
 */
export const podSubset = (routes: CompiledRoutes, podLabels: Labels): string => {
  for (const subset of routes.subsets) {
    const all = Object.entries(subset.podLabels).every(
      ([key, value]) => Object.hasOwn(podLabels, key) && podLabels[key] === value,
    );
    if (all) return subset.name;
  }
  return DEFAULT_SUBSET;
};
