import type { Cluster } from '../cluster.js';
import { ClusterError } from '../cluster-error.js';
import type { ManifestObject } from './manifest-object.js';

/** A resource of the API as discovery lists it. */
interface ApiResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/** Where an object lives in the API. */
export interface ObjectPath {
  /** The object's own path, which a server-side apply PATCHes. */
  readonly path: string;
  /** The namespace it is applied in; absent for a cluster-scoped object. */
  readonly namespace?: string | undefined;
}

/** The path of a group version: `/api/v1` for the core group, else `/apis/<group>/<version>`. */
export const groupVersionPath = (apiVersion: string): string =>
  apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;

/**
 * Finds the resource and scope of each kind by discovery, as kubectl does (a kind's plural and
 * whether it is namespaced cannot be guessed for custom resources). One discovery read per group
 * version; a kind not found is looked up again once, since a CustomResourceDefinition applied
 * moments ago adds kinds.
 */
export class ResourcePaths {
  private readonly lists = new Map<string, Promise<readonly ApiResource[]>>();

  constructor(
    private readonly cluster: Cluster,
    /** The namespace of a namespaced object that names none: the context's (or -n). */
    private readonly defaultNamespace: string,
  ) {}

  private resources(apiVersion: string, fresh: boolean): Promise<readonly ApiResource[]> {
    const cached = this.lists.get(apiVersion);
    if (cached !== undefined && !fresh) return cached;
    const read = (async () => {
      try {
        const list = (await this.cluster.get(groupVersionPath(apiVersion))) as {
          resources?: ApiResource[] | null;
        };
        // Subresources (`deployments/status`) are not kinds of their own.
        return (list.resources ?? []).filter((resource) => !resource.name.includes('/'));
      } catch (error) {
        if (error instanceof ClusterError && error.status === 404) return [];
        throw error;
      }
    })();
    this.lists.set(apiVersion, read);
    return read;
  }

  /** The path of `object`; throws a {@link ClusterError} when the cluster serves no such kind. */
  async of(object: ManifestObject): Promise<ObjectPath> {
    const { apiVersion, kind } = object;
    const find = async (fresh: boolean) =>
      (await this.resources(apiVersion, fresh)).find((resource) => resource.kind === kind);
    const resource = (await find(false)) ?? (await find(true));
    if (resource === undefined) {
      throw new ClusterError(
        `the cluster serves no kind ${kind} in ${apiVersion} (is its CustomResourceDefinition installed?)`,
        404,
      );
    }
    const base = groupVersionPath(apiVersion);
    const name = encodeURIComponent(object.metadata.name);
    if (!resource.namespaced) return { path: `${base}/${resource.name}/${name}` };
    const namespace = object.metadata.namespace ?? this.defaultNamespace;
    return {
      path: `${base}/namespaces/${encodeURIComponent(namespace)}/${resource.name}/${name}`,
      namespace,
    };
  }
}
