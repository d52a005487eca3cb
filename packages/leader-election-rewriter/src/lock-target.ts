/**
 * Which requests are lock traffic. client-go's `resourcelock` keeps a lock in a Lease
 * (`coordination.k8s.io/v1 leases`), a ConfigMap or an Endpoints object (legacy annotation locks),
 * and the `configmapsleases`/`endpointsleases` multilocks use a ConfigMap or Endpoints object and a
 * Lease of the same name, so each object is recognised on its own by the lock name.
 */
import type { ApiRequest } from '@ctrlmesh/route-engine';

/** Where a request names the lock, if it does: what the rewriter must look at. */
export type LockTarget =
  /** get, update, patch, delete, or a watch by name: the last path segment is the lock. */
  | 'name-segment'
  /** create: the path has no name, the body's `metadata.name` may be the lock. */
  | 'body'
  /** list, watch, deletecollection: `fieldSelector=metadata.name=<lock>` may select it. */
  | 'field-selector';

/** The lock as configured for a proxy. */
export interface LockIdentity {
  /** The configured leader-election name (`spec.configuration.controller.leaderElectionName`). */
  readonly name: string;
  /** Only locks in this namespace are lock traffic; any namespace when absent. */
  readonly namespace?: string | undefined;
}

const LOCK_RESOURCES: ReadonlySet<string> = new Set([
  '/v1/configmaps',
  '/v1/endpoints',
  'coordination.k8s.io/v1/leases',
]);

/** Where `request` names the lock, or `undefined` when it is not lock traffic. */
export const lockTarget = (request: ApiRequest, lock: LockIdentity): LockTarget | undefined => {
  if (request.kind !== 'resource' || request.subresource !== undefined) return undefined;
  if (!LOCK_RESOURCES.has(`${request.group}/${request.version}/${request.resource}`)) {
    return undefined;
  }
  if (lock.namespace !== undefined && request.namespace !== lock.namespace) return undefined;
  if (request.name !== undefined) return request.name === lock.name ? 'name-segment' : undefined;
  switch (request.verb) {
    case 'create':
      return 'body';
    case 'list':
    case 'watch':
    case 'deletecollection':
      return 'field-selector';
    default:
      return undefined;
  }
};
