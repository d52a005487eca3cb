import { type ParseResult, parseVirtualApp, type VirtualApp } from '@ctrlmesh/route-engine';

/** A ControllerRevision as the manager writes it (decision 0005): the VirtualApp's spec in `data`. */
export interface ControllerRevisionObject {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
  };
  readonly data?: { readonly spec?: unknown };
}

/**
 * The VirtualApp a ControllerRevision holds, validated as a VirtualApp file is (`parseVirtualApp`):
 * its `data.spec` under the VirtualApp's own name. Problems name the revision and the path in it.
 */
export const revisionApp = (
  revision: ControllerRevisionObject,
  virtualApp: { readonly name: string; readonly namespace: string },
): ParseResult<VirtualApp> => {
  const name = revision.metadata?.name ?? '(unnamed)';
  if (revision.data?.spec === undefined)
    return {
      ok: false,
      problems: [{ path: `${name}: data.spec`, message: 'missing: the revision holds no spec' }],
    };
  const result = parseVirtualApp({
    apiVersion: 'ctrlmesh.io/v1alpha1',
    kind: 'VirtualApp',
    metadata: { name: virtualApp.name, namespace: virtualApp.namespace },
    spec: revision.data.spec,
  });
  if (result.ok) return result;
  return {
    ok: false,
    problems: result.problems.map((problem) => ({
      ...problem,
      path: `${name}: data.${problem.path}`,
    })),
  };
};
