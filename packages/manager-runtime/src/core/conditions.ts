import type { VirtualAppStatus } from '@ctrlmesh/route-engine';

/** A status condition as the VirtualApp carries it. */
export type Condition = NonNullable<VirtualAppStatus['conditions']>[number];

/**
 * The condition types the manager sets: four on a VirtualApp (DESIGN §6); `Accepted` and
 * `Applied` on a TrafficPolicy or FaultInjection (decision 0006).
 */
export type ConditionType = 'Accepted' | 'Progressing' | 'Available' | 'Degraded' | 'Applied';

/** A condition the manager wants, before times are filled in. */
export interface WantedCondition {
  readonly type: ConditionType;
  readonly status: 'True' | 'False';
  readonly reason: string;
  readonly message: string;
}

/** Formats a time as the apiserver's `metav1.Time` (whole seconds, UTC). */
export const timeText = (ms: number): string =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** Reads a `metav1.Time`; undefined when absent or unreadable. */
export const timeOf = (text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
};

/**
 * The conditions to write: each keeps its `lastTransitionTime` while its status stays, as
 * Kubernetes conditions do, unless its type is in `restart` (the manager restarts `Progressing`
 * on every publication, so that its time says when the published state began).
 */
export const conditionsFor = (
  previous: readonly Condition[] | undefined,
  wanted: readonly WantedCondition[],
  generation: number,
  now: number,
  restart: ReadonlySet<ConditionType> = new Set(),
): Condition[] =>
  wanted.map((condition) => {
    const before = previous?.find((old) => old.type === condition.type);
    const keep =
      before?.lastTransitionTime !== undefined &&
      before.status === condition.status &&
      !restart.has(condition.type);
    return {
      type: condition.type,
      status: condition.status,
      reason: condition.reason,
      message: condition.message,
      lastTransitionTime: keep ? before.lastTransitionTime : timeText(now),
      observedGeneration: generation,
    };
  });
