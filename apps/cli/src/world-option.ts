import type { GroupResource, VirtualApp } from '@ctrlmesh/route-engine';
import type { CliIo } from './cli-io.js';
import type { ClusterFlags } from './cluster.js';
import { readClusterWorld } from './cluster-world.js';
import type { CommandContext } from './command-context.js';
import { namedResources } from './named-resources.js';
import { type ResolvedTarget, resolveTarget, type TargetSpecError } from './target-spec.js';
import { readWorld, type World } from './world.js';

const EMPTY_WORLD: World = { namespaces: new Map(), objects: [] };

/** The world of `--world FILE`, or an empty one when the flag is absent. */
export const worldFromOption = (io: CliIo, file: string | undefined): World =>
  file === undefined ? EMPTY_WORLD : readWorld(io, file);

/** The resources of the object targets among `specs` (not Namespaces; bad specs skipped). */
export const targetResources = (specs: readonly string[]): GroupResource[] =>
  specs.flatMap((spec) => {
    const resolved = resolveTarget(spec, EMPTY_WORLD);
    if ('error' in resolved) return [];
    const { group, resource } = resolved.target;
    return group === '' && resource === 'namespaces' ? [] : [{ group, resource }];
  });

/**
 * The world of `--cluster`: the cluster's namespaces, and the objects of every resource the
 * rules of `apps` name, plus `extra` (the targets' resources). Wildcard resources and resources
 * the cluster does not serve are noted on stderr.
 */
export const worldFromCluster = async (
  context: CommandContext,
  flags: ClusterFlags,
  apps: readonly VirtualApp[],
  extra: readonly GroupResource[] = [],
): Promise<World> => {
  const { io } = context;
  const cluster = await context.connect(io, flags);
  const named = namedResources(apps);
  if (named.wildcards.length > 0) {
    io.err(
      `note: the rules name resources by wildcard (${named.wildcards.join(', ')}); only resources named outright are read from the cluster, so other objects' labels are not known\n`,
    );
  }
  const seen = new Set<string>();
  const resources = [...named.resources, ...extra].filter(({ group, resource }) => {
    const key = `${group}/${resource}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const { world, warnings } = await readClusterWorld(cluster, resources);
  for (const warning of warnings) io.err(`warning: ${warning}\n`);
  return world;
};

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
