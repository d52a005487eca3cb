import { type Clock, systemClock } from '@ctrlmesh/runtime-support';
import { logRecord } from '../observe/channels.js';
import { type OwnPodOptions, patchOwnPodCondition } from './own-pod-condition.js';

/** The pod condition a proxy reports on its own pod (decision 0005). */
export const ROUTES_APPLIED = 'ctrlmesh.io/RoutesApplied';

/** What the proxy says about the routes it enforces. */
export interface RoutesAppliedStatus {
  /** `True` when it enforces the published state. */
  readonly status: 'True' | 'False';
  /** The phase when True; a reason a person can act on when False (`RevisionNotFound`, `RoutesInvalid`). */
  readonly reason: string;
  /** The current revision's name when True; what is wrong when False. */
  readonly message: string;
}

/** What {@link RoutesAppliedReporter} needs. */
export interface RoutesAppliedReporterOptions extends OwnPodOptions {
  readonly clock?: Clock | undefined;
}

const sameStatus = (a: RoutesAppliedStatus | undefined, b: RoutesAppliedStatus): boolean =>
  a !== undefined && a.status === b.status && a.reason === b.reason && a.message === b.message;

/** The wait before retry `attempt` (from 0): doubling from 100 ms, at most 5 s. */
const backoffMs = (attempt: number): number => Math.min(5_000, 100 * 2 ** attempt);

/**
 * Writes the `ctrlmesh.io/RoutesApplied` condition on the proxy's own pod (`patchOwnPodCondition`),
 * with the proxy's own token. Only the latest status is written; a failed write is retried with backoff
 * until it succeeds or a newer status replaces it. `lastTransitionTime` moves only when the status
 * (True/False) does.
 */
export class RoutesAppliedReporter {
  readonly #options: RoutesAppliedReporterOptions;
  #wanted: RoutesAppliedStatus | undefined;
  #written: RoutesAppliedStatus | undefined;
  #transition: { status: string; time: number } | undefined;
  #wake: () => void = () => undefined;

  constructor(options: RoutesAppliedReporterOptions) {
    this.#options = options;
  }

  /** The status to report; written soon unless it equals the one written last. */
  report(status: RoutesAppliedStatus): void {
    this.#wanted = status;
    this.#wake();
  }

  /** The status last written to the pod, if any. */
  written(): RoutesAppliedStatus | undefined {
    return this.#written;
  }

  /** Writes what is wanted until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const clock = this.#options.clock ?? systemClock;
    let attempt = 0;
    signal.addEventListener('abort', () => this.#wake(), { once: true });
    while (!signal.aborted) {
      const wanted = this.#wanted;
      if (wanted === undefined || sameStatus(this.#written, wanted)) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        continue;
      }
      try {
        await this.#patch(wanted, clock, signal);
        this.#written = wanted;
        attempt = 0;
      } catch (error) {
        if (signal.aborted) return;
        logRecord.publish({
          level: 'warn',
          msg: `writing the ${ROUTES_APPLIED} condition failed; retrying`,
          pod: this.#options.podName,
          error: String(error),
        });
        await clock.sleep(backoffMs(attempt++), signal);
      }
    }
  }

  async #patch(wanted: RoutesAppliedStatus, clock: Clock, signal: AbortSignal): Promise<void> {
    if (this.#transition?.status !== wanted.status)
      this.#transition = { status: wanted.status, time: clock.now() };
    await patchOwnPodCondition(
      this.#options,
      { type: ROUTES_APPLIED, ...wanted, lastTransitionTime: this.#transition.time },
      signal,
    );
  }
}
