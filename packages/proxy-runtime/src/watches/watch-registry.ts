import type { RouteSnapshot } from '../routes/route-snapshot.js';
import { WatchExpiredError } from '../status/proxy-error.js';

/** An open, filtered watch, as the registry sees it. */
export interface OpenWatch {
  /** The namespace the watch is confined to, or undefined for all namespaces / cluster scope. */
  readonly namespace: string | undefined;
  /** Ends the watch with 410 Expired so its client re-lists. */
  readonly expire: (error: WatchExpiredError) => void;
  /**
   * Takes new routes when they show it the same objects, and returns true; false when they may
   * not, and it has to end. Absent: it always ends. `answers` is shared by every watch of one
   * route change: watches that read the same view (an informer per resource, many clients) are
   * judged once.
   */
  readonly follow?: (next: RouteSnapshot, answers: Map<string, boolean>) => boolean;
}

/**
 * Every open filtered watch, so that a change of what this pod may see (new routes, a namespace
 * relabelled) ends exactly the watches it can affect with 410 Expired, and their clients re-list.
 */
export class WatchRegistry {
  readonly #open = new Set<OpenWatch>();

  /** Registers a watch; returns what unregisters it. */
  add(watch: OpenWatch): () => void {
    this.#open.add(watch);
    return () => this.#open.delete(watch);
  }

  /** How many watches are open. */
  get size(): number {
    return this.#open.size;
  }

  /**
   * Routes changed to `next`: ends the watches whose visible set may have changed (DESIGN §5), and
   * the others go on under `next`, so that clients whose slice did not move do not re-list.
   */
  expireChanged(next: RouteSnapshot, reason: string): void {
    const answers = new Map<string, boolean>();
    for (const watch of [...this.#open]) {
      if (watch.follow?.(next, answers) !== true) this.#expire(watch, reason);
    }
  }

  /** Ends the watches that can see objects in `namespace` (it was relabelled). */
  expireNamespace(namespace: string, reason: string): void {
    for (const watch of [...this.#open]) {
      if (watch.namespace === undefined || watch.namespace === namespace)
        this.#expire(watch, reason);
    }
  }

  #expire(watch: OpenWatch, reason: string): void {
    this.#open.delete(watch);
    watch.expire(new WatchExpiredError(reason));
  }
}
