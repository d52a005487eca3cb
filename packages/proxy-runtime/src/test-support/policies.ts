import type { Clock } from '@ctrlmesh/runtime-support';
import { stringify } from 'yaml';
import { parsePolicyDocuments } from '../policies/policy-documents.js';
import { identityOf, PolicyStore } from '../policies/policy-store.js';
import { canarySnapshot } from './exchanges.js';

/** A TrafficPolicy of the canary app's namespace that targets it (`sample`), with this spec. */
export const aTrafficPolicy = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'TrafficPolicy',
  metadata: { name, namespace: 'ctrlmesh-system' },
  spec: { targetVirtualApps: [{ name: 'sample' }], ...spec },
});

/** A FaultInjection of the canary app's namespace that targets it, with these faults. */
export const aFaultInjection = (name: string, faults: Record<string, unknown>[]) => ({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'FaultInjection',
  metadata: { name, namespace: 'ctrlmesh-system' },
  spec: { targetVirtualApps: [{ name: 'sample' }], faults },
});

/**
 * A policy store holding `documents` (validated as a policy file is), for a pod of the canary
 * app's default subset; throws on invalid documents.
 */
export const policiesFor = (
  documents: readonly unknown[],
  options: { readonly clock?: Clock; readonly podLabels?: Record<string, string> } = {},
): PolicyStore => {
  const store = new PolicyStore({ clock: options.clock });
  const parsed = parsePolicyDocuments(documents.map((d) => stringify(d)).join('---\n'));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  store.setDocuments(parsed.value);
  store.setIdentity(identityOf(canarySnapshot(options.podLabels ?? { app: 'sample' }), 'x'));
  return store;
};
