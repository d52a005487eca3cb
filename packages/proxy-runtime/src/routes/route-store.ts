import type { RouteSnapshot } from './route-snapshot.js';

/** Reads the current routes; what stages depend on. */
export interface Routes {
  /** The current snapshot, or undefined before any routes are known (the proxy fails closed). */
  current(): RouteSnapshot | undefined;
}

/** Called after a new snapshot became current, with the one it replaced. */
export type RoutesListener = (next: RouteSnapshot, previous: RouteSnapshot | undefined) => void;

/** Holds the current snapshot and swaps it atomically (one reference assignment). */
export class RouteStore implements Routes {
  #current: RouteSnapshot | undefined = undefined;
  readonly #listeners = new Set<RoutesListener>();

  current(): RouteSnapshot | undefined {
    return this.#current;
  }

  /** Makes `next` current and tells listeners, unless its version and subset equal the current one's. */
  swap(next: RouteSnapshot): boolean {
    const previous = this.#current;
    if (
      previous !== undefined &&
      previous.version === next.version &&
      previous.subset === next.subset
    ) {
      return false;
    }
    this.#current = next;
    for (const listener of this.#listeners) listener(next, previous);
    return true;
  }

  /** Registers a listener; returns what removes it. */
  onSwap(listener: RoutesListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
