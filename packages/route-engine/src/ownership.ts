import type { CompiledRoutes } from './compiled-routes.js';
import type { Target } from './target.js';

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

/** The owner of `target` under `routes` (DESIGN §4.1-4.4, 4.6). */
export const owner = (routes: CompiledRoutes, target: Target): Ownership => {
  void routes;
  void target;
  return { kind: 'excluded' };
};
