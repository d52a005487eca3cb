import type { Clock } from '../lifecycle/clock.js';

interface Sleeper {
  readonly until: number;
  readonly ms: number;
  readonly wake: () => void;
}

/** A {@link Clock} that moves only when a test calls `advance`. */
export class ManualClock implements Clock {
  #now = 0;
  #sleepers: Sleeper[] = [];

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper: Sleeper = {
        until: this.#now + ms,
        ms,
        wake: () => {
          this.#sleepers = this.#sleepers.filter((other) => other !== sleeper);
          signal?.removeEventListener('abort', sleeper.wake);
          resolve();
        },
      };
      this.#sleepers.push(sleeper);
      signal?.addEventListener('abort', sleeper.wake, { once: true });
    });
  }

  /** How long each wait still running was asked to last, in the order they began. */
  get waiting(): number[] {
    return this.#sleepers.map((sleeper) => sleeper.ms);
  }

  /** Moves time on by `ms`, ending the waits that are over. */
  advance(ms: number): void {
    this.#now += ms;
    for (const sleeper of [...this.#sleepers]) if (sleeper.until <= this.#now) sleeper.wake();
  }
}
