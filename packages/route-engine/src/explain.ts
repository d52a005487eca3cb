import type { CompiledRoutes } from './compiled-routes.js';
import type { Ownership } from './ownership.js';
import type { Target } from './target.js';

/** An ownership with the chain of reasons, in plain sentences, for people and the CLI. */
export interface Explanation {
  readonly ownership: Ownership;
  readonly reasons: readonly string[];
}

/** Explains who owns `target` and why; `ownership` always equals `owner(routes, target)`. */
export const explain = (routes: CompiledRoutes, target: Target): Explanation => {
  void routes;
  void target;
  return { ownership: { kind: 'excluded' }, reasons: [] };
};
