import type { Clock } from '@ctrlmesh/runtime-support';

/** What handling a key asks for next: nothing, or another look after `requeueAfterMs`. */
export type HandleResult = { readonly requeueAfterMs?: number | undefined } | undefined;

/** Options of a {@link WorkQueue}. */
export interface WorkQueueOptions {
  readonly clock: Clock;
  /** Handles one key; throwing retries it with backoff. */
  readonly handle: (key: string) => Promise<HandleResult>;
  /** Told about every failure before its retry. */
  readonly onError: (key: string, error: unknown, retryInMs: number) => void;
  /** First retry delay; doubles per failure of the same key up to `maxRetryMs`. */
  readonly baseRetryMs?: number;
  readonly maxRetryMs?: number;
}

/**
 * A keyed work queue in the spirit of client-go's: a key waits at most once however often it is
 * added, keys are handled one at a time (a VirtualApp is never reconciled twice at once), a key
 * that fails comes back with exponential backoff, and a key may ask to be looked at again later
 * (a grace period that runs out while nothing else changes).
 */
export class WorkQueue {
  readonly #options: WorkQueueOptions;
  readonly #pending = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #timers = new Map<string, () => void>();
  #running = false;
  #stopped = false;
  #idle: Promise<void> = Promise.resolve();

  constructor(options: WorkQueueOptions) {
    this.#options = options;
  }

  /** Queues `key` unless it is already waiting. */
  add(key: string): void {
    if (this.#stopped) return;
    this.#pending.add(key);
    if (!this.#running) this.#idle = this.#drain();
  }

  /** Queues `key` after `ms`; an earlier delayed add of the same key is replaced. */
  addAfter(key: string, ms: number): void {
    if (this.#stopped) return;
    this.#timers.get(key)?.();
    this.#timers.set(
      key,
      this.#options.clock.after(ms, () => {
        this.#timers.delete(key);
        this.add(key);
      }),
    );
  }

  /** Drops waiting keys and timers and ignores new ones; resolves once the running key is done. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#pending.clear();
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
    await this.#idle;
  }

  /** Resolves once no key is being handled or waiting (for tests). */
  idle(): Promise<void> {
    return this.#idle;
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      for (;;) {
        const key = this.#pending.values().next().value;
        if (key === undefined || this.#stopped) return;
        this.#pending.delete(key);
        try {
          const result = await this.#options.handle(key);
          this.#failures.delete(key);
          if (result?.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs);
        } catch (error) {
          const failures = (this.#failures.get(key) ?? 0) + 1;
          this.#failures.set(key, failures);
          const base = this.#options.baseRetryMs ?? 100;
          const retryInMs = Math.min(
            this.#options.maxRetryMs ?? 30_000,
            base * 2 ** (failures - 1),
          );
          this.#options.onError(key, error, retryInMs);
          this.addAfter(key, retryInMs);
        }
      }
    } finally {
      this.#running = false;
    }
  }
}
