import type { Clock } from '../time/clock.js';

interface Timer {
  readonly at: number;
  readonly ms: number;
  readonly fn: () => void;
}

/**
 * A {@link Clock} that moves only when a test calls `advance`; sleeps and `after` timers fire
 * then, in the order they fall due.
 */
export class ManualClock implements Clock {
  #now: number;
  #timers: Timer[] = [];

  /** Starts at `start` milliseconds since the epoch (0 unless a test needs a real date). */
  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  after(ms: number, fn: () => void): () => void {
    const timer: Timer = { at: this.#now + ms, ms, fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((other) => other !== timer);
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      // Whichever comes first ends the wait and undoes the other, so a long-lived signal does
      // not collect one listener a sleep.
      const abort = () => {
        cancel();
        resolve();
      };
      const cancel = this.after(ms, () => {
        signal?.removeEventListener('abort', abort);
        resolve();
      });
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  /** How many timers and sleeps are waiting. */
  get pending(): number {
    return this.#timers.length;
  }

  /** How long each timer or sleep still waiting was asked to last, in the order they began. */
  get waiting(): number[] {
    return this.#timers.map((timer) => timer.ms);
  }

  /**
   * Moves time on by `ms`, firing due timers in order and letting promises settle after each
   * (so that a sleep's continuation can start the next one, which fires too when it is due).
   */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      await flush();
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = Math.max(this.#now, due.at);
      due.fn();
    }
    this.#now = end;
    await flush();
  }
}

/** Lets every pending promise callback run (a few rounds of the event loop). */
export const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
};
