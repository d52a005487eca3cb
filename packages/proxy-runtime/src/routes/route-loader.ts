import type { ParseResult, VirtualApp } from '@ctrlmesh/route-engine';
import { loadPersistedRoutes } from './persisted-routes.js';
import { prepareSnapshot, type RouteSnapshot, type SnapshotOverrides } from './route-snapshot.js';
import type { RouteStore } from './route-store.js';
import { readVirtualAppFile } from './virtual-app-file.js';

/** What a {@link RouteLoader} needs from the proxy's configuration. */
export interface RouteLoaderOptions {
  /** This pod's labels: they pick its subset. */
  readonly podLabels: Readonly<Record<string, string>>;
  readonly overrides?: SnapshotOverrides | undefined;
  /** Files above this size are refused and the current routes kept (`routes.maxFileBytes`). */
  readonly maxFileBytes?: number | undefined;
}

/**
 * Turns VirtualApp files into the current snapshot without holding up requests: the file is
 * parsed and validated in a worker and compiled in small steps, while the store keeps serving the
 * snapshot it has; the new one replaces it in one swap when ready (issue 9). Loads run one at a
 * time in call order, so a slow older load can never replace a newer one.
 */
export class RouteLoader {
  readonly #store: RouteStore;
  readonly #options: RouteLoaderOptions;
  #generation = 0;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(store: RouteStore, options: RouteLoaderOptions) {
    this.#store = store;
    this.#options = options;
  }

  /** Reads a VirtualApp file and makes it current; on problems the current routes stay. */
  loadFile(file: string): Promise<ParseResult<RouteSnapshot>> {
    return this.#inTurn(async () =>
      this.#apply(await readVirtualAppFile(file, { maxBytes: this.#options.maxFileBytes })),
    );
  }

  /** Reloads persisted routes and makes them current; `undefined` when nothing was persisted. */
  loadPersisted(file: string): Promise<ParseResult<RouteSnapshot> | undefined> {
    return this.#inTurn(async () => {
      const result = await loadPersistedRoutes(file, { maxBytes: this.#options.maxFileBytes });
      return result === undefined ? undefined : this.#apply(result);
    });
  }

  #inTurn<T>(load: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(load, load);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #apply(result: ParseResult<VirtualApp>): Promise<ParseResult<RouteSnapshot>> {
    if (!result.ok) return result;
    this.#generation += 1;
    const snapshot = await prepareSnapshot(
      result.value,
      this.#options.podLabels,
      this.#generation,
      this.#options.overrides,
    );
    this.#store.swap(snapshot);
    return { ok: true, value: snapshot };
  }
}
