import {
  listThenWatch,
  type OwnCredentialOptions,
  ownCredentialHeaders,
} from '../cluster/list-watch.js';
import type { Runnable } from '../lifecycle/runnable.js';
import { UpstreamUnavailableError } from '../status/proxy-error.js';
import { upstreamFailure } from '../upstream/upstream-failure.js';
import type {
  NamespaceLabelMap,
  NamespaceLabels,
  NamespaceRelabelListener,
} from './namespace-labels.js';

/** What {@link WatchedNamespaceLabels} needs: the pools, the proxy's own token, a clock. */
export type WatchNamespacesOptions = OwnCredentialOptions;

interface NamespaceObject {
  readonly metadata?: {
    readonly name?: string;
    readonly labels?: NamespaceLabelMap;
    readonly resourceVersion?: string;
  };
}

const sameLabels = (
  a: NamespaceLabelMap | undefined,
  b: NamespaceLabelMap | undefined,
): boolean => {
  if (a === undefined || b === undefined) return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
};

/**
 * Namespace labels from the apiserver, read with the proxy's own credential and never the
 * controller's (the controller must not need, or get, any extra permission). Lists, then watches from
 * the list's resourceVersion, re-lists on 410, reconnects with backoff; fetches a namespace it has
 * not seen yet on demand. `synced` resolves after the first list. As a {@link Runnable} it is ready
 * at once: the proxy serves (and says it is not ready) while the apiserver is out of reach.
 */
export class WatchedNamespaceLabels implements NamespaceLabels, Runnable {
  readonly name = 'namespace-watch';
  readonly #labels = new Map<string, NamespaceLabelMap>();
  readonly #listeners = new Set<NamespaceRelabelListener>();
  readonly #pending = new Map<string, Promise<NamespaceLabelMap | undefined>>();
  readonly #options: WatchNamespacesOptions;
  /** Resolves once the first list is in. */
  readonly synced: Promise<void>;
  #markSynced: () => void = () => undefined;
  /** Ends the watch and the reads of its requests: the signal `start` was given. */
  #signal: AbortSignal | undefined;

  constructor(options: WatchNamespacesOptions) {
    this.#options = options;
    this.synced = new Promise((resolve) => {
      this.#markSynced = resolve;
    });
  }

  get(name: string): NamespaceLabelMap | undefined | Promise<NamespaceLabelMap | undefined> {
    const labels = this.#labels.get(name);
    if (labels !== undefined) return labels;
    let pending = this.#pending.get(name);
    if (pending === undefined) {
      pending = this.#fetch(name).finally(() => this.#pending.delete(name));
      this.#pending.set(name, pending);
    }
    return pending;
  }

  known(): ReadonlyMap<string, NamespaceLabelMap> {
    return this.#labels;
  }

  onChange(listener: NamespaceRelabelListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Runs the list/watch loop (`listThenWatch`) until `signal` aborts, which also ends a wait
   * between reconnects.
   */
  async start(signal: AbortSignal): Promise<void> {
    this.#signal = signal;
    await listThenWatch<NamespaceObject>(
      { path: '/api/v1/namespaces', what: 'namespace' },
      this.#options,
      {
        replace: (items) => {
          const seen = new Set<string>();
          for (const item of items) {
            const name = item.metadata?.name;
            if (name === undefined) continue;
            seen.add(name);
            this.#set(name, item.metadata?.labels ?? {});
          }
          for (const name of [...this.#labels.keys()])
            if (!seen.has(name)) this.#set(name, undefined);
          this.#markSynced();
        },
        change: (type, object) => {
          const name = object.metadata?.name;
          if (name === undefined) return;
          this.#set(name, type === 'DELETED' ? undefined : (object.metadata?.labels ?? {}));
        },
      },
      signal,
    );
  }

  #set(name: string, labels: NamespaceLabelMap | undefined): void {
    const before = this.#labels.get(name);
    if (labels === undefined) this.#labels.delete(name);
    else this.#labels.set(name, labels);
    // A new namespace has no objects yet, and a deleted one's objects get their own DELETED events:
    // only a relabelling can move existing objects across slices.
    if (before !== undefined && labels !== undefined && !sameLabels(before, labels)) {
      for (const listener of this.#listeners) listener(name, before, labels);
    }
  }

  async #fetch(name: string): Promise<NamespaceLabelMap | undefined> {
    // A request about the namespace waits on this read: an apiserver it cannot reach is a 503 for
    // that request, as it would be had the request itself gone upstream (issue 9).
    const response = await this.#options.pool
      .request({
        method: 'GET',
        path: `/api/v1/namespaces/${encodeURIComponent(name)}`,
        headers: await ownCredentialHeaders(this.#options.tokenFile),
        signal: this.#signal,
      })
      .catch((error: unknown) => {
        throw upstreamFailure(error) ?? error;
      });
    if (response.statusCode === 404) {
      await response.body.dump();
      return undefined;
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new UpstreamUnavailableError(
        `reading namespace "${name}" answered ${response.statusCode}`,
      );
    }
    const namespace = (await response.body.json()) as NamespaceObject;
    const labels = namespace.metadata?.labels ?? {};
    // A watch event may have raced this read; the watch is authoritative once it has the namespace.
    if (!this.#labels.has(name)) this.#labels.set(name, labels);
    return this.#labels.get(name);
  }
}
