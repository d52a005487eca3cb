import type { CompiledRoutes } from './compiled-routes.js';
import type { Target } from './target.js';

/**
 * May `subset` see or touch a target?
 * - `allowed`: it owns the target, or the target is public.
 * - `denied`: another subset owns it; `owner` names it (for a `dependsOnObject` target that
 *   `subset` can never own, the first possible owner).
 * - `excluded`: nobody may (global limits).
 * - `dependsOnObject`: `subset` owns some such objects but not necessarily all: filter each item
 *   (list, watch) or look at the object (get, writes) and decide again with its labels.
 */
export type Decision =
  | { readonly kind: 'allowed' }
  | { readonly kind: 'denied'; readonly owner: string }
  | { readonly kind: 'excluded' }
  | { readonly kind: 'dependsOnObject' };

/** Decides whether `subset` may see or touch `target` (see {@link Decision}). */
export const decide = (routes: CompiledRoutes, target: Target, subset: string): Decision => {
  void routes;
  void target;
  void subset;
  return { kind: 'excluded' };
};
