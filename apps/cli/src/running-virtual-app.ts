import {
  type CompiledRoutes,
  compileRoutes,
  parseVirtualApp,
  type VirtualApp,
} from '@ctrlmesh/route-engine';
import type { Cluster } from './cluster.js';
import { ClusterError } from './cluster-error.js';
import { InputError } from './input-error.js';

/** Where VirtualApps are served. */
export const VIRTUAL_APPS_PATH = '/apis/ctrlmesh.io/v1alpha1';

/** The path of the VirtualApps of a namespace, or of one of them. */
export const virtualAppsPath = (namespace: string, name?: string): string =>
  `${VIRTUAL_APPS_PATH}/namespaces/${encodeURIComponent(namespace)}/virtualapps${
    name === undefined ? '' : `/${encodeURIComponent(name)}`
  }`;

/** A VirtualApp as the cluster runs it: the spec its proxies enforce, and where it came from. */
export interface RunningVirtualApp {
  readonly app: VirtualApp;
  readonly routes: CompiledRoutes;
  /** `revision sample-5d1c0e9a2b (Settled)`, or `spec (no revision published yet)`. */
  readonly source: string;
}

interface StoredVirtualApp {
  readonly apiVersion?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: unknown;
  readonly status?: {
    readonly routing?: { readonly currentRevision?: string; readonly phase?: string };
  };
}

const isNotFound = (error: unknown): boolean =>
  error instanceof ClusterError && error.status === 404;

/**
 * Reads the VirtualApp `name` in `namespace` as its proxies run it: the spec of the
 * ControllerRevision its `status.routing.currentRevision` names (decision 0005), else, when the
 * manager has published none yet or the revision is gone, its own spec. Throws a ClusterError
 * when there is no such VirtualApp, an InputError when the spec found does not validate.
 */
export const readRunningVirtualApp = async (
  cluster: Cluster,
  namespace: string,
  name: string,
): Promise<RunningVirtualApp> => {
  let stored: StoredVirtualApp;
  try {
    stored = (await cluster.get(virtualAppsPath(namespace, name))) as StoredVirtualApp;
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw new ClusterError(
      `the cluster has no VirtualApp "${name}" in namespace "${namespace}" to compare with; pass --from OLD`,
      404,
    );
  }
  const routing = stored.status?.routing;
  let spec = stored.spec;
  let source = 'its spec (no revision published yet)';
  if (routing?.currentRevision !== undefined) {
    const revision = routing.currentRevision;
    try {
      const found = (await cluster.get(
        `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/controllerrevisions/${encodeURIComponent(revision)}`,
      )) as { data?: { spec?: unknown } };
      spec = found.data?.spec;
      source = `revision ${revision} (${routing.phase ?? 'phase not known'})`;
    } catch (error) {
      if (!isNotFound(error)) throw error;
      source = `its spec (revision ${revision} of status.routing is gone)`;
    }
  }
  const parsed = parseVirtualApp({
    apiVersion: stored.apiVersion ?? 'ctrlmesh.io/v1alpha1',
    kind: 'VirtualApp',
    metadata: { name, namespace },
    spec,
  });
  if (!parsed.ok) {
    throw new InputError(
      `VirtualApp "${name}" in namespace "${namespace}", ${source}, does not validate:\n${parsed.problems
        .map((problem) => `  ${problem.path}: ${problem.message}`)
        .join('\n')}`,
    );
  }
  return { app: parsed.value, routes: compileRoutes(parsed.value), source };
};
