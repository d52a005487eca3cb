import { durationText } from './duration-text.js';
import type { PodStanding } from './pod-liveness.js';
import type { PodView, Routing } from './views.js';

/** How the pods of a handover stand: who is waited for, who lags, who no longer counts. */
export interface PodReport {
  /** Names of live pods that do not report the published state yet. */
  readonly waiting: readonly string[];
  /** The waiting pods once the grace period has passed, as sentences for `Degraded`. */
  readonly lagging: readonly string[];
  /** Pods not Ready for the grace period, as sentences: they no longer count. */
  readonly notReady: readonly string[];
  /** Names of pods being deleted: they never count. */
  readonly gone: readonly string[];
  /** How many pods count, and how many of them report the published state. */
  readonly live: number;
  readonly reporting: number;
  /** How long the published state has been out. */
  readonly lagMs: number;
  /** When a grace period runs out next (decide again then), if one is running. */
  readonly wakeAt?: number | undefined;
}

/**
 * Sorts the pods into live (reporting or waited for), lagging (waited for at least the grace
 * period since `since`, when the state was published), not Ready past the grace period, and
 * being deleted; `wakeAt` is the next time a grace period runs out.
 */
export const podReport = (
  standings: readonly { pod: PodView; standing: PodStanding | undefined }[],
  state: Routing | undefined,
  since: number,
  now: number,
  graceMs: number,
): PodReport => {
  const waiting: string[] = [];
  const lagging: string[] = [];
  const notReady: string[] = [];
  const gone: string[] = [];
  let [live, reporting] = [0, 0];
  let wakeAt: number | undefined;
  const wake = (at: number) => {
    if (at > now && (wakeAt === undefined || at < wakeAt)) wakeAt = at;
  };
  const lagMs = Math.max(0, now - since);
  for (const { pod, standing } of standings) {
    if (standing === undefined || state === undefined) continue;
    if (standing.kind === 'gone') gone.push(pod.name);
    else if (standing.kind === 'notReady') {
      notReady.push(`${pod.name} has not been Ready for ${durationText(standing.forMs)}`);
    } else {
      live += 1;
      if (standing.notReadyUntil !== undefined) wake(standing.notReadyUntil);
      if (standing.reports) reporting += 1;
      else {
        waiting.push(pod.name);
        if (lagMs >= graceMs) {
          lagging.push(
            `${pod.name} has not applied revision ${state.currentRevision} (${state.phase}) for ${durationText(lagMs)}`,
          );
        } else wake(since + graceMs);
      }
    }
  }
  return { waiting, lagging, notReady, gone, live, reporting, lagMs, wakeAt };
};
