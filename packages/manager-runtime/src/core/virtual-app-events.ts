import type { VirtualAppStatus } from '@ctrlmesh/route-engine';
import { durationText } from './duration-text.js';
import type { Reconciliation } from './reconcile-virtual-app.js';

/** A Kubernetes Event about a VirtualApp, as `kubectl describe vapp` lists it. */
export interface VirtualAppEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: 'Published' | 'HandoverStarted' | 'HandoverFinished' | 'InvalidSpec';
  readonly message: string;
}

const accepted = (status: VirtualAppStatus | undefined) =>
  status?.conditions?.find((condition) => condition.type === 'Accepted');

/**
 * The events a decision is worth, once its status is written: only transitions, so a VirtualApp
 * that stays as it is makes no noise.
 *
 * - `Published`: a routing state is published that is not a handover step (the first revision,
 *   a rollback during a handover);
 * - `HandoverStarted`: `Revoking(A, B)` is published;
 * - `HandoverFinished`: `Revoking(A, B)` became `Settled(B)`;
 * - `InvalidSpec` (Warning): a spec is refused, or refused for other reasons than before.
 */
export const virtualAppEvents = (
  previous: VirtualAppStatus | undefined,
  decision: Reconciliation,
): VirtualAppEvent[] => {
  const events: VirtualAppEvent[] = [];
  const before = accepted(previous);
  const after = accepted(decision.status);
  if (
    after?.status === 'False' &&
    (before?.status !== 'False' || before.message !== after.message)
  ) {
    events.push({ type: 'Warning', reason: 'InvalidSpec', message: after.message ?? '' });
  }
  const published = decision.published;
  if (published !== undefined) {
    const current = published.currentRevision;
    if (published.phase === 'Revoking') {
      events.push({
        type: 'Normal',
        reason: 'HandoverStarted',
        message: `revision ${current} replaces ${published.previousRevision}: waiting for every live pod to apply Revoking`,
      });
    } else if (decision.handoverMs !== undefined) {
      events.push({
        type: 'Normal',
        reason: 'HandoverFinished',
        message: `revision ${current} is settled after ${durationText(decision.handoverMs)}`,
      });
    } else {
      events.push({
        type: 'Normal',
        reason: 'Published',
        message: `revision ${current} is published`,
      });
    }
  }
  return events;
};
