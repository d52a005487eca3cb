import type { GroupResource, Labels } from '@ctrlmesh/route-engine';
import type { Cluster } from './cluster.js';
import { ClusterError } from './cluster-error.js';
import type { World, WorldObject } from './world.js';

interface ObjectMetadata {
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Labels | null;
  };
}

interface ListOf<T> {
  readonly items?: readonly T[] | null;
}

/** A world read from a cluster, with what could not be read. */
export interface ClusterWorld {
  readonly world: World;
  /** Resources the cluster does not serve, skipped. */
  readonly warnings: readonly string[];
}

const isNotFound = (error: unknown): boolean =>
  error instanceof ClusterError && error.status === 404;

const describeResource = ({ group, resource }: GroupResource): string =>
  group === '' ? resource : `${resource}.${group}`;

/**
 * The path that lists a resource across all namespaces, at its group's preferred version, or
 * undefined when the cluster does not serve the group.
 */
const listPath = async (
  cluster: Cluster,
  { group, resource }: GroupResource,
  versions: Map<string, string | undefined>,
): Promise<string | undefined> => {
  if (group === '') return `/api/v1/${resource}`;
  if (!versions.has(group)) {
    try {
      const discovered = (await cluster.get(`/apis/${group}`)) as {
        preferredVersion?: { version?: string };
      };
      versions.set(group, discovered.preferredVersion?.version);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      versions.set(group, undefined);
    }
  }
  const version = versions.get(group);
  return version === undefined ? undefined : `/apis/${group}/${version}/${resource}`;
};

/**
 * Reads the world from a cluster: every Namespace with its labels, and the objects (names and
 * labels, all namespaces) of `resources`, what `kubectl get ns,<resources> -A` would show.
 * Resources the cluster does not serve are skipped with a warning; any other failure (not
 * allowed to list, unreachable) throws: a partial world would give wrong answers quietly.
 */
export const readClusterWorld = async (
  cluster: Cluster,
  resources: readonly GroupResource[],
): Promise<ClusterWorld> => {
  const list = async (path: string): Promise<readonly ObjectMetadata[]> =>
    ((await cluster.get(path, { metadataOnly: true })) as ListOf<ObjectMetadata>).items ?? [];
  const namespaces = new Map<string, Labels>();
  for (const { metadata } of await list('/api/v1/namespaces')) {
    namespaces.set(metadata.name, metadata.labels ?? {});
  }
  const objects: WorldObject[] = [];
  const warnings: string[] = [];
  const versions = new Map<string, string | undefined>();
  for (const named of resources) {
    const path = await listPath(cluster, named, versions);
    let items: readonly ObjectMetadata[] | undefined;
    try {
      items = path === undefined ? undefined : await list(path);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (items === undefined) {
      warnings.push(
        `the cluster does not serve ${describeResource(named)}: no objects of it were read`,
      );
      continue;
    }
    for (const { metadata } of items) {
      objects.push({
        group: named.group,
        resource: named.resource,
        namespace: metadata.namespace,
        name: metadata.name,
        labels: metadata.labels ?? {},
      });
    }
  }
  return { world: { namespaces, objects }, warnings };
};
