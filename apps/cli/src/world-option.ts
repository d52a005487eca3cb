import type { CliIo } from './cli-io.js';
import { type ResolvedTarget, resolveTarget, type TargetSpecError } from './target-spec.js';
import { readWorld, type World } from './world.js';

/** The world of `--world FILE`, or an empty one when the flag is absent. */
export const worldFromOption = (io: CliIo, file: string | undefined): World =>
  file === undefined ? { namespaces: new Map(), objects: [] } : readWorld(io, file);

/** Resolves every target spec, or gives the first one that cannot be read. */
export const resolveTargets = (
  specs: readonly string[],
  world: World,
  userAgent: string | undefined,
): ResolvedTarget[] | TargetSpecError => {
  const resolved: ResolvedTarget[] = [];
  for (const spec of specs) {
    const one = resolveTarget(spec, world, userAgent);
    if ('error' in one) return one;
    resolved.push(one);
  }
  return resolved;
};
