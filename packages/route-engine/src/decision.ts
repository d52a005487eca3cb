import type { CompiledRoutes } from './compiled-routes.js';
import { type Ownership, owner } from './ownership.js';
import type { Target } from './target.js';

/**
 * May `subset` see or touch a target?
 * - `allowed`: it owns the target, or the target is public.
 * - `denied`: another subset owns it; `owner` names it. For a `dependsOnObject` target that
 *   `subset` can never own, `owner` is the first possible owner, and some of those objects may
 *   turn out to be excluded instead: either way `subset` may not see them.
 * - `excluded`: nobody may (global limits).
 * - `dependsOnObject`: `subset` owns some such objects but not necessarily all: filter each item
 *   (list, watch) or look at the object (get, writes) and decide again with its labels.
 */
export type Decision =
  | { readonly kind: 'allowed' }
  | { readonly kind: 'denied'; readonly owner: string }
  | { readonly kind: 'excluded' }
  | { readonly kind: 'dependsOnObject' };

const ALLOWED: Decision = Object.freeze({ kind: 'allowed' });
const EXCLUDED: Decision = Object.freeze({ kind: 'excluded' });
const DEPENDS: Decision = Object.freeze({ kind: 'dependsOnObject' });

/** What an ownership means for one subset (see {@link Decision}). */
export const decisionFor = (ownership: Ownership, subset: string): Decision => {
  switch (ownership.kind) {
    case 'excluded':
      return EXCLUDED;
    case 'public':
      return ALLOWED;
    case 'owned':
      return ownership.subset === subset ? ALLOWED : { kind: 'denied', owner: ownership.subset };
    case 'dependsOnObject': {
      if (ownership.mayBePublic || ownership.possibleOwners.includes(subset)) return DEPENDS;
      const other = ownership.possibleOwners[0];
      return other === undefined ? EXCLUDED : { kind: 'denied', owner: other };
    }
  }
};

/** Decides whether `subset` may see or touch `target` (see {@link Decision}). */
export const decide = (routes: CompiledRoutes, target: Target, subset: string): Decision =>
  decisionFor(owner(routes, target), subset);
