import { handoverOwner, isNamespaceResource, type Target } from '@ctrlmesh/route-engine';
import type { NamespaceLabelMap, NamespaceLabels } from '../namespaces/namespace-labels.js';
import { handoverNames, type RouteSnapshot } from '../routes/route-snapshot.js';
import type { WebhookFailure } from './admission-response.js';
import type { AdmissionRequest, ReviewObject } from './admission-review.js';

/**
 * Where a review goes:
 * - `excluded`: global limits hide the object from every subset; allowed at once, unchanged.
 * - `local`: this pod's subset owns it (or it is public); its own controller decides.
 * - `forward`: another subset owns it; one of that subset's pods decides.
 * - `failed`: it cannot be decided (no routes, unknown namespace, or handed over between revisions
 *   while `Revoking`, when nobody owns it); the failure policy answers.
 */
export type ReviewRoute =
  | { readonly kind: 'excluded' }
  | { readonly kind: 'local'; readonly owner: string }
  | { readonly kind: 'forward'; readonly owner: string }
  | { readonly kind: 'failed'; readonly failure: WebhookFailure };

// A DELETE carries the object only as oldObject; other operations carry it as object.
const subjectOf = (request: AdmissionRequest): ReviewObject | undefined =>
  (request.operation === 'DELETE'
    ? (request.oldObject ?? request.object)
    : (request.object ?? request.oldObject)) ?? undefined;

const describe = (request: AdmissionRequest): string => {
  const { group, resource } = request.resource;
  const kind = group === '' ? resource : `${resource}.${group}`;
  const where = request.namespace ? ` in namespace "${request.namespace}"` : '';
  return `${request.operation} of ${kind} "${request.name ?? ''}"${where}`;
};

/**
 * Decides a review with route-engine, the way the proxy decides an API request for the same object:
 * its namespace (name and labels, from the proxy's namespace source) and its own labels (`object`,
 * or `oldObject` for a DELETE), under the routing state (`handoverOwner`). A Namespace lives in
 * itself (DESIGN §4.1). The original ignored object selectors for webhooks (reference §5); they
 * count here.
 */
export const routeReview = async (
  snapshot: RouteSnapshot | undefined,
  namespaces: NamespaceLabels,
  request: AdmissionRequest,
): Promise<ReviewRoute> => {
  if (snapshot === undefined) {
    return {
      kind: 'failed',
      failure: {
        code: 503,
        reason: 'ServiceUnavailable',
        message: `ctrlmesh-proxy has no routes yet and cannot tell which subset admits the ${describe(request)}`,
      },
    };
  }
  const subject = subjectOf(request);
  const objectLabels = subject?.metadata?.labels ?? {};
  const base = {
    group: request.resource.group,
    resource: request.resource.resource,
    subresource: request.subResource || undefined,
    objectLabels,
  };
  let target: Target;
  if (isNamespaceResource(base)) {
    const name = request.name || subject?.metadata?.name || '';
    target = { ...base, namespace: { name, labels: objectLabels } };
  } else if (request.namespace) {
    let labels: NamespaceLabelMap | undefined;
    try {
      labels = await namespaces.get(request.namespace);
    } catch (error) {
      return {
        kind: 'failed',
        failure: {
          code: 503,
          reason: 'ServiceUnavailable',
          message: `ctrlmesh-proxy cannot read the labels of namespace "${request.namespace}" to route the ${describe(request)}: ${(error as Error).message}`,
        },
      };
    }
    if (labels === undefined) {
      return {
        kind: 'failed',
        failure: {
          code: 503,
          reason: 'ServiceUnavailable',
          message: `ctrlmesh-proxy does not know namespace "${request.namespace}" and cannot route the ${describe(request)}`,
        },
      };
    }
    target = { ...base, namespace: { name: request.namespace, labels } };
  } else {
    target = base;
  }
  const ownership = handoverOwner(snapshot.state, target);
  switch (ownership.kind) {
    case 'revoked': {
      // No subset may admit it until the handover settles; retried, it soon has an owner again.
      const { previous, current } = handoverNames(snapshot);
      return {
        kind: 'failed',
        failure: {
          code: 503,
          reason: 'ServiceUnavailable',
          message: `the ${describe(request)} is being handed over between revisions ${previous} and ${current}; no subset admits it until the handover settles, retry shortly (ctrlmesh)`,
        },
      };
    }
    case 'excluded':
      return { kind: 'excluded' };
    case 'public':
      return { kind: 'local', owner: snapshot.subset };
    case 'owned':
      return ownership.subset === snapshot.subset
        ? { kind: 'local', owner: ownership.subset }
        : { kind: 'forward', owner: ownership.subset };
    case 'dependsOnObject':
      // Labels are always known here (absent labels are empty), so this is a route-engine surprise.
      return {
        kind: 'failed',
        failure: {
          code: 500,
          reason: 'InternalError',
          message: `ctrlmesh-proxy could not decide who owns the ${describe(request)}`,
        },
      };
  }
};
