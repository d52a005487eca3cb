import { parseApiPath, type ResourceRequest } from '@ctrlmesh/route-engine';
import type { FaultInjection } from '../fault-injection.js';
import { parseFaultInjection } from '../parse-fault-injection.js';
import { parseTrafficPolicy } from '../parse-traffic-policy.js';
import type { PolicyRequest, RequestContext } from '../request-matcher.js';
import type { TrafficPolicy } from '../traffic-policy.js';

/** A validated TrafficPolicy in namespace `ops` for VirtualApp `sample`, with `spec` merged in. */
export const aTrafficPolicy = (spec: Record<string, unknown>, name = 'policy'): TrafficPolicy => {
  const result = parseTrafficPolicy({
    apiVersion: 'ctrlmesh.io/v1alpha1',
    kind: 'TrafficPolicy',
    metadata: { name, namespace: 'ops' },
    spec: { targetVirtualApps: [{ name: 'sample' }], ...spec },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
};

/** A validated FaultInjection in namespace `ops` for VirtualApp `sample`. */
export const aFaultInjection = (spec: Record<string, unknown>, name = 'chaos'): FaultInjection => {
  const result = parseFaultInjection({
    apiVersion: 'ctrlmesh.io/v1alpha1',
    kind: 'FaultInjection',
    metadata: { name, namespace: 'ops' },
    spec: { targetVirtualApps: [{ name: 'sample' }], ...spec },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
};

/** A request parsed by route-engine; throws for a path it calls invalid. */
export const aRequest = (method: string, url: string): PolicyRequest => {
  const request = parseApiPath(method, url);
  if (request.kind === 'invalid') throw new Error(request.reason);
  return request;
};

/** A resource request parsed by route-engine. */
export const aResourceRequest = (method: string, url: string): ResourceRequest => {
  const request = aRequest(method, url);
  if (request.kind !== 'resource') throw new Error(`${url} is not a resource request`);
  return request;
};

/** A context where namespace `canary-a` has `stage: canary`, `prod` has `stage: prod`. */
export const aContext = (userAgent?: string): RequestContext => ({
  userAgent,
  namespaceLabels: (namespace) =>
    ({ 'canary-a': { stage: 'canary' }, prod: { stage: 'prod' } })[namespace],
});
