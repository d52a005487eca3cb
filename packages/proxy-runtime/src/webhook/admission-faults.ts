import type { ApiVerb, ResourceRequest } from '@ctrlmesh/route-engine';
import { type Clock, systemClock } from '@ctrlmesh/runtime-support';
import type { NamespaceLabels } from '../namespaces/namespace-labels.js';
import { faultInjected } from '../observe/channels.js';
import type { Policies } from '../policies/policy-store.js';
import type { Status } from '../status/status.js';
import type { AdmissionRequest } from './admission-review.js';

/** What {@link admissionFaults} needs. */
export interface AdmissionFaultDeps {
  readonly policies: Policies;
  readonly namespaces: NamespaceLabels;
  readonly clock?: Clock;
  readonly random?: () => number;
}

// An AdmissionReview's operation as the verb a request rule names (CONNECT has none to match).
const VERBS: Readonly<Record<string, ApiVerb>> = {
  CREATE: 'create',
  UPDATE: 'update',
  DELETE: 'delete',
};

/** The request an AdmissionReview is about, read as a policy's `match` reads requests. */
export const reviewedRequest = (request: AdmissionRequest): ResourceRequest => ({
  kind: 'resource',
  verb: VERBS[request.operation] ?? 'unknown',
  group: request.resource.group,
  version: request.resource.version,
  resource: request.resource.resource,
  subresource: request.subResource || undefined,
  namespace: request.namespace || undefined,
  name: request.name || undefined,
  query: '',
});

/**
 * The admission faults of the FaultInjections that apply (DESIGN §8), on the webhook front: delays
 * are waited here, and the first denial is returned as the `metav1.Status` to deny the review with
 * (undefined: go on and have the review decided). One check when no policy applies.
 */
export const admissionFaults =
  (deps: AdmissionFaultDeps) =>
  async (request: AdmissionRequest, signal?: AbortSignal): Promise<Status | undefined> => {
    const active = deps.policies.current();
    if (active.empty) return undefined;
    const faults = active.set.matchAdmission(reviewedRequest(request), {
      namespaceLabels: (name) => deps.namespaces.known().get(name),
    });
    const clock = deps.clock ?? systemClock;
    const random = deps.random ?? Math.random;
    for (const fault of faults) {
      const decision = active.injectors.get(fault.key)?.decide(clock.now(), random);
      if (decision === undefined || decision.kind === 'none') continue;
      const source = { policy: fault.policy, fault: fault.rule.name, kind: 'admission' };
      if (decision.kind === 'delay') {
        faultInjected.publish({ ...source, code: 0 });
        await clock.sleep(decision.delayMs, signal);
      } else if (decision.kind === 'abort') {
        faultInjected.publish({ ...source, code: decision.status.code });
        return decision.status as Status;
      }
    }
    return undefined;
  };
