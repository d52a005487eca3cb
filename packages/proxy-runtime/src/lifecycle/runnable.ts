/**
 * A long-lived part of the proxy (an informer, a route source, a server, a poller), in the one
 * shape a {@link RunnableGroup} starts in order and stops in reverse (controller-runtime's
 * `Runnable`, with a word on readiness added).
 */
export interface Runnable {
  /** Names the part in errors and logs. */
  readonly name: string;
  /**
   * Starts the part and runs it until `signal` aborts; resolves only once it has stopped and
   * cleaned up. Rejects when it cannot start, or fails while it runs.
   */
  start(signal: AbortSignal): Promise<void>;
  /**
   * Resolves once the parts started after it may rely on it (the routes are loaded, a server
   * listens); never rejects, `start` does. Without it, a part is ready as soon as it was started.
   */
  readonly ready?: Promise<void>;
}

/** Undoes what a {@link heldRunnable} set up: unsubscribes, unwatches, closes. */
export type Release = () => unknown;

/** Resolves once `signal` aborts (at once if it has). */
export const untilAborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

/**
 * A part that is set up once, held while its signal is not aborted, then released: the shape of
 * most of ours (a subscription, a file poller, a listening server). Ready once set up; a set-up
 * that throws rejects `start`, with nothing to release.
 */
export const heldRunnable = (
  name: string,
  setUp: (signal: AbortSignal) => Promise<Release> | Release,
): Runnable => {
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const start = async (signal: AbortSignal): Promise<void> => {
    const release = await setUp(signal);
    markReady();
    try {
      await untilAborted(signal);
    } finally {
      await release();
    }
  };
  return { name, ready, start };
};
