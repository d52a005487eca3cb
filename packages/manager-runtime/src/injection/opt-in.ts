import { INJECT_ENABLED, INJECT_LABEL } from './pod-layout.js';

type Labels = Readonly<Record<string, string>> | undefined;

/**
 * Whether a pod opted in to injection: its own `ctrlmesh.io/inject` label decides when it has one
 * (`enabled` in, any other value out, so a pod can opt out of a meshed namespace); otherwise its
 * namespace's label does. Nothing else ever opts a pod in.
 */
export const optedIn = (podLabels: Labels, namespaceLabels: Labels): boolean => {
  const own = podLabels?.[INJECT_LABEL];
  if (own !== undefined) return own === INJECT_ENABLED;
  return namespaceLabels?.[INJECT_LABEL] === INJECT_ENABLED;
};
