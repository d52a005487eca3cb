import { type FailureStatus, failureStatus } from './fault-status.js';

/** How one watch will be cut: after some events, at a deadline, or whichever comes first. */
export interface WatchFaultPlan {
  readonly afterEvents?: number | undefined;
  /** Epoch milliseconds after which the watch ends. */
  readonly deadline?: number | undefined;
  /** `Expired`: end with a 410 ERROR event (client-go relists); `Close`: just end the stream. */
  readonly end: 'Expired' | 'Close';
  /** The ERROR event's object for `Expired`. */
  readonly status?: FailureStatus | undefined;
}

/** The `watch` fault spec as written in a FaultInjection. */
export interface WatchFaultSpec {
  readonly afterEvents?: number | undefined;
  readonly afterSeconds?: number | undefined;
  readonly end: 'Expired' | 'Close';
}

/** Plans the cut of a watch that opens at `now`. */
export const watchFaultPlan = (
  spec: WatchFaultSpec,
  now: number,
  message: string,
): WatchFaultPlan => ({
  afterEvents: spec.afterEvents,
  deadline: spec.afterSeconds === undefined ? undefined : now + spec.afterSeconds * 1000,
  end: spec.end,
  status:
    spec.end === 'Expired' ? failureStatus({ code: 410, reason: 'Expired', message }) : undefined,
});

/** What to do with one watch event. */
export interface WatchEventVerdict {
  /** Pass the event on. */
  readonly forward: boolean;
  /** End the watch after it (with the plan's ERROR event for `Expired`). */
  readonly cut: boolean;
}

/** Follows one watch through its plan. */
export interface WatchCutter {
  readonly plan: WatchFaultPlan;
  /** Called for each event (bookmarks are the caller's choice); once cut, nothing passes. */
  readonly onEvent: (now: number) => WatchEventVerdict;
  /** Whether the deadline has passed with no event: the caller's timer asks this. */
  readonly due: (now: number) => boolean;
}

/** Creates the follower of one watch's plan. */
export const createWatchCutter = (plan: WatchFaultPlan): WatchCutter => {
  let forwarded = 0;
  let cut = false;
  const due = (now: number): boolean => plan.deadline !== undefined && now >= plan.deadline;
  return {
    plan,
    due,
    onEvent: (now) => {
      if (cut) return { forward: false, cut: true };
      if (due(now)) {
        cut = true;
        return { forward: false, cut: true };
      }
      forwarded += 1;
      cut = plan.afterEvents !== undefined && forwarded >= plan.afterEvents;
      return { forward: true, cut };
    },
  };
};
