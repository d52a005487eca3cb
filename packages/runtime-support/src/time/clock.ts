/**
 * The time a runtime reads and waits on, handed in so that tests advance it rather than sleep
 * (`ManualClock` from `./testing`).
 */
export interface Clock {
  /** Milliseconds since the epoch (a manual clock starts wherever its test says). */
  now(): number;
  /**
   * Resolves after `ms`, or at once when `signal` aborts (never rejecting): a wait between
   * retries must not hold a shutdown.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` after `ms`; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
}

/**
 * The real clock: `Date.now` and timers. An `after` timer does not keep the process alive (it
 * is for deadlines of work that keeps it alive anyway); a `sleep` does, since something awaits it.
 */
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
  after: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
