/**
 * What a client holds after a list or a watch, keyed by where it will resume: the watch scope (its
 * resource, namespace, its own selectors, user agent) and the resourceVersion it will watch from.
 * A watch never carries the client's cache, yet the proxy must know which objects the client has to
 * turn "moved out of the slice" into DELETED and nothing else into one (that would leak). So lists
 * record what they showed, watches record what they left shown, and a watch from a position with no
 * record is answered 410 Expired: the client re-lists through this proxy and the record exists.
 */
export class WatchSeeds {
  readonly #entries = new Map<string, Set<string>>();
  readonly #capacity: number;

  constructor(capacity = 256) {
    this.#capacity = capacity;
  }

  /** Records the keys shown at `resourceVersion`; `append` adds to it (a continued paginated list). */
  record(scope: string, resourceVersion: string, keys: Iterable<string>, append = false): void {
    const id = `${scope}@${resourceVersion}`;
    const existing = append ? this.#entries.get(id) : undefined;
    const set = existing ?? new Set<string>();
    for (const key of keys) set.add(key);
    this.#entries.delete(id);
    this.#entries.set(id, set);
    // Least recently recorded or used goes first.
    while (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  /** The keys a client resuming at `resourceVersion` holds, or undefined when unknown. */
  seed(scope: string, resourceVersion: string): ReadonlySet<string> | undefined {
    const id = `${scope}@${resourceVersion}`;
    const set = this.#entries.get(id);
    if (set === undefined) return undefined;
    this.#entries.delete(id);
    this.#entries.set(id, set);
    return set;
  }

  /** Forgets everything (the visible sets changed: routes or namespace labels). */
  clear(): void {
    this.#entries.clear();
  }
}
