import type { Routing } from './views.js';

/** The revision a valid spec asks for, and the generation that asked. */
export interface Desired {
  readonly revision: string;
  readonly generation: number;
}

/**
 * The next published routing state (decision 0005), one step at a time, each step compatible
 * with every state a live pod may still enforce:
 * - nothing published yet: `Settled(desired)` at once (a pod with no routes owns nothing);
 * - `Settled(A)` and a new `B`: `Revoking(A, B)`;
 * - `Revoking(A, B)` and still `B`: `Settled(B)` only when `everyLivePodReports` the Revoking
 *   state; otherwise unchanged;
 * - `Revoking(A, B)` and a new `C`: `Revoking(A, C)` at once (every pod's owners stay within A's);
 * - `Revoking(A, B)` and `A` again (a rollback): `Settled(A)` at once, for the same reason.
 *
 * `desired` is undefined when the spec is invalid: the published revision stays, but a handover
 * under way still completes. `routing.observedGeneration` is the generation whose spec made the
 * current revision, so it follows `desired` only when `desired` names that revision.
 */
export const nextRouting = (
  routing: Routing | undefined,
  desired: Desired | undefined,
  everyLivePodReports: (state: Routing) => boolean,
): Routing | undefined => {
  if (routing === undefined) {
    return desired === undefined
      ? undefined
      : {
          currentRevision: desired.revision,
          phase: 'Settled',
          observedGeneration: desired.generation,
        };
  }
  const target = desired?.revision ?? routing.currentRevision;
  const next = (state: Omit<Routing, 'observedGeneration'>): Routing => ({
    ...withoutUndefined(state),
    observedGeneration:
      desired !== undefined && desired.revision === state.currentRevision
        ? desired.generation
        : routing.observedGeneration,
  });
  const { currentRevision: current, previousRevision: previous } = routing;
  if (routing.phase === 'Settled' || previous === undefined) {
    if (target === current) return next({ ...routing });
    return next({ currentRevision: target, previousRevision: current, phase: 'Revoking' });
  }
  if (target === current) {
    return everyLivePodReports(routing)
      ? next({ currentRevision: current, previousRevision: previous, phase: 'Settled' })
      : next({ ...routing });
  }
  if (target === previous) {
    return next({ currentRevision: previous, previousRevision: current, phase: 'Settled' });
  }
  return next({ currentRevision: target, previousRevision: previous, phase: 'Revoking' });
};

const withoutUndefined = (state: Omit<Routing, 'observedGeneration'>) => ({
  currentRevision: state.currentRevision,
  ...(state.previousRevision === undefined ? {} : { previousRevision: state.previousRevision }),
  phase: state.phase,
});
