import {
  compileRoutes,
  parseVirtualApp,
  podSubset,
  type VirtualApp,
  type VirtualAppStatus,
} from '@ctrlmesh/route-engine';
import { isReady, reportsState } from './pod-liveness.js';
import type { PodView, Routing } from './views.js';

/**
 * `status.subsets`: per subset of `spec` (in spec order, then the default subset when a pod
 * falls there), its pods, the Ready ones, and the ones whose proxy reports `routing`.
 */
export const subsetsOf = (
  spec: unknown,
  pods: readonly PodView[],
  routing: Routing | undefined,
): NonNullable<VirtualAppStatus['subsets']> => {
  const parsed = parseVirtualApp({ apiVersion: 'ctrlmesh.io/v1alpha1', kind: 'VirtualApp', spec });
  if (!parsed.ok || routing === undefined) return [];
  const routes = compileRoutes(parsed.value as VirtualApp);
  const counts = new Map<string, { pods: number; readyPods: number; updatedPods: number }>(
    routes.subsets.map((subset) => [subset.name, { pods: 0, readyPods: 0, updatedPods: 0 }]),
  );
  for (const pod of pods) {
    const name = podSubset(routes, pod.labels);
    const count = counts.get(name) ?? { pods: 0, readyPods: 0, updatedPods: 0 };
    count.pods += 1;
    if (isReady(pod)) count.readyPods += 1;
    if (reportsState(pod, routing)) count.updatedPods += 1;
    counts.set(name, count);
  }
  return [...counts].map(([name, count]) => ({ name, ...count }));
};
