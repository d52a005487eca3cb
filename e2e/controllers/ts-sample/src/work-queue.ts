/**
 * A keyed work queue in the spirit of client-go's workqueue: a key waits at most once, keys are
 * handled one at a time, and a key whose handler throws comes back after a delay.
 */
export class WorkQueue {
  readonly #pending = new Set<string>();
  #running = false;
  #stopped = false;

  /**
   * @param handle does the work for one key; throwing schedules a retry
   * @param retryDelayMs how long a failed key waits before it is queued again
   * @param onError told about every failure
   */
  constructor(
    private readonly handle: (key: string) => Promise<void>,
    private readonly retryDelayMs: number,
    private readonly onError: (key: string, error: unknown) => void,
  ) {}

  /** Queues `key` unless it is already waiting. */
  add(key: string): void {
    if (this.#stopped) return;
    this.#pending.add(key);
    void this.#drain();
  }

  /** Drops waiting keys and ignores new ones; a key being handled finishes. */
  stop(): void {
    this.#stopped = true;
    this.#pending.clear();
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    for (let key = this.#next(); key !== undefined; key = this.#next()) {
      this.#pending.delete(key);
      try {
        await this.handle(key);
      } catch (error) {
        this.onError(key, error);
        setTimeout(() => this.add(key), this.retryDelayMs).unref();
      }
    }
    this.#running = false;
  }

  #next(): string | undefined {
    return this.#pending.values().next().value;
  }
}
