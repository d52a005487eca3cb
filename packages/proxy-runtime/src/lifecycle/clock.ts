/**
 * The time a part reads and waits on, handed in so that tests advance it rather than sleep
 * (timebertt's sharder takes a clock for the same reason).
 */
export interface Clock {
  /** Milliseconds since some fixed point. */
  now(): number;
  /**
   * Resolves after `ms`, or at once when `signal` aborts (never rejecting): a wait between
   * retries must not hold a shutdown.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: `Date.now` and timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};
