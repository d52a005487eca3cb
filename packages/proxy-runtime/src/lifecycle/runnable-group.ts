import type { Runnable } from './runnable.js';

/** When a part failed: before it was ready, while it ran, or while it stopped. */
export type RunnablePhase = 'start' | 'run' | 'stop';

/**
 * What a {@link RunnableGroup} rejects with: which part failed, and when. Its message is the
 * cause's own, so that a command line printing it reads as the part's error; `runnable` names the
 * part for logs.
 */
export class RunnableError extends Error {
  override readonly name = 'RunnableError';

  constructor(
    readonly runnable: string,
    readonly phase: RunnablePhase,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/** Runnables run as one; itself a {@link Runnable}, so groups nest. */
export interface RunnableGroup extends Runnable {
  /** Resolves once every part is ready; stays pending when the start fails (`start` rejects). */
  readonly ready: Promise<void>;
}

interface Started {
  readonly runnable: Runnable;
  readonly stop: AbortController;
  phase: RunnablePhase;
  /** Settles when the part's `start` does; never rejects (a failure is recorded instead). */
  done: Promise<void>;
}

/**
 * Runs `runnables` as one part (controller-runtime's runnable group, kept in order): starts each
 * in turn and waits until it is ready before the next, so a part may rely on those before it. When
 * the signal aborts, or any part fails, it stops the parts started so far, each with a signal of
 * its own, in reverse order, each only once the one after it has stopped and cleaned up. `start`
 * then rejects with a {@link RunnableError} naming the first part that failed, or resolves when
 * none did. A part whose `start` resolves before it is asked to stop is simply done. Start once.
 */
export const createRunnableGroup = (
  name: string,
  runnables: readonly Runnable[],
): RunnableGroup => {
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const start = async (signal: AbortSignal): Promise<void> => {
    const started: Started[] = [];
    let failure: RunnableError | undefined;
    let interrupt: () => void = () => undefined;
    const interrupted = new Promise<void>((resolve) => {
      interrupt = resolve;
    });
    const fail = (entry: Started, error: unknown) => {
      failure ??= new RunnableError(entry.runnable.name, entry.phase, error);
      interrupt();
    };
    signal.addEventListener('abort', interrupt, { once: true });
    if (signal.aborted) interrupt();
    try {
      for (const runnable of runnables) {
        if (signal.aborted || failure !== undefined) break;
        const entry: Started = {
          runnable,
          stop: new AbortController(),
          phase: 'start',
          done: Promise.resolve(),
        };
        // Called on a later tick, so that a `start` that throws at once is a failure like any other.
        entry.done = Promise.resolve()
          .then(() => runnable.start(entry.stop.signal))
          .catch((error: unknown) => fail(entry, error));
        started.push(entry);
        const readied = runnable.ready?.catch((error: unknown) => fail(entry, error));
        await Promise.race([readied ?? Promise.resolve(), entry.done, interrupted]);
        if (failure === undefined) entry.phase = 'run';
      }
      if (!signal.aborted && failure === undefined) {
        markReady();
        await interrupted;
      }
    } finally {
      signal.removeEventListener('abort', interrupt);
      for (const entry of started.reverse()) {
        if (entry.phase !== 'start') entry.phase = 'stop';
        entry.stop.abort();
        await entry.done;
      }
    }
    if (failure !== undefined) throw failure;
  };

  return { name, ready, start };
};
