import type { PodView, Routing } from './views.js';

/**
 * Where a pod stands in a handover:
 * - `gone`: being deleted; it never holds a handover;
 * - `notReady`: not Ready for at least the grace period; it does not hold a handover either;
 * - `live`: counts, and `reports` says whether its proxy enforces the published state.
 */
export type PodStanding =
  | { readonly kind: 'gone' }
  | { readonly kind: 'notReady'; readonly forMs: number }
  | {
      readonly kind: 'live';
      readonly reports: boolean;
      /** Not Ready (but not for the grace period yet) until this time. */
      readonly notReadyUntil?: number;
    };

/**
 * Does the pod's proxy report `state`: `ctrlmesh.io/RoutesApplied` True, reason the phase and
 * message the current revision (decision 0005)?
 */
export const reportsState = (pod: PodView, state: Routing): boolean =>
  pod.routesApplied?.status === 'True' &&
  pod.routesApplied.reason === state.phase &&
  pod.routesApplied.message === state.currentRevision;

/** Is the pod Ready now? */
export const isReady = (pod: PodView): boolean => pod.ready?.status === 'True';

/**
 * How long the pod has not been Ready: since its Ready condition last changed, or since it was
 * created when the kubelet has not said yet.
 */
export const notReadyFor = (pod: PodView, now: number): number =>
  Math.max(0, now - (pod.ready?.since ?? pod.createdAt));

/** Classifies a pod for the handover to `state` (see {@link PodStanding}). */
export const podStanding = (
  pod: PodView,
  state: Routing,
  now: number,
  graceMs: number,
): PodStanding => {
  if (pod.deleting) return { kind: 'gone' };
  const reports = reportsState(pod, state);
  if (isReady(pod)) return { kind: 'live', reports };
  const forMs = notReadyFor(pod, now);
  if (forMs >= graceMs) return { kind: 'notReady', forMs };
  return { kind: 'live', reports, notReadyUntil: now - forMs + graceMs };
};
