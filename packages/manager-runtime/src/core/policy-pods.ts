import {
  compileRoutes,
  DEFAULT_SUBSET,
  parseVirtualApp,
  podSubset,
  type VirtualApp,
} from '@ctrlmesh/route-engine';
import { type PolicyLike, policyAppliesTo } from '@ctrlmesh/traffic-policy';
import { isReady } from './pod-liveness.js';
import { selectPods } from './pod-selection.js';
import type { PodView, VirtualAppView } from './views.js';

/** A VirtualApp as policies see it: its identity and the spec that makes its pods' subsets. */
export interface PolicyTargetApp {
  readonly app: VirtualAppView;
  /** The spec its proxies enforce: the published revision's, or the spec as written. */
  readonly spec: unknown;
}

const byName = (a: PodView, b: PodView): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Is the pod one whose report counts: not being deleted, and Ready? */
export const isLivePod = (pod: PodView): boolean => !pod.deleting && isReady(pod);

/**
 * The live pods a validated policy applies to, each once, sorted by name: the pods of every
 * VirtualApp of its namespace that it targets, by the VirtualApp's name or labels and the pod's
 * subset (as the proxy asks `policyAppliesTo`, decision 0006). A spec that does not parse puts its
 * pods in the default subset.
 */
export const policyPods = (
  policy: PolicyLike,
  apps: readonly PolicyTargetApp[],
  pods: readonly PodView[],
): PodView[] => {
  const selected = new Map<string, PodView>();
  for (const { app, spec } of apps) {
    const own = selectPods(spec, pods).filter(isLivePod);
    if (own.length === 0) continue;
    const parsed = parseVirtualApp({
      apiVersion: 'ctrlmesh.io/v1alpha1',
      kind: 'VirtualApp',
      spec,
    });
    const routes = parsed.ok ? compileRoutes(parsed.value as VirtualApp) : undefined;
    for (const pod of own) {
      const identity = {
        virtualApp: { name: app.name, namespace: app.namespace, labels: app.labels },
        subset: routes === undefined ? DEFAULT_SUBSET : podSubset(routes, pod.labels),
      };
      if (policyAppliesTo(policy, identity)) selected.set(pod.name, pod);
    }
  }
  return [...selected.values()].sort(byName);
};
