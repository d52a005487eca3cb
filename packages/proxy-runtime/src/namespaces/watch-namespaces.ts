import { readFile } from 'node:fs/promises';
import type { Pool } from 'undici';
import { type Clock, systemClock } from '../lifecycle/clock.js';
import type { Runnable } from '../lifecycle/runnable.js';
import { logRecord } from '../observe/channels.js';
import { UpstreamUnavailableError } from '../status/proxy-error.js';
import { upstreamFailure } from '../upstream/upstream-failure.js';
import type {
  NamespaceLabelMap,
  NamespaceLabels,
  NamespaceRelabelListener,
} from './namespace-labels.js';

/** What {@link watchNamespaces} needs. */
export interface WatchNamespacesOptions {
  /** For the list and the reads of single namespaces. */
  readonly pool: Pool;
  /** For the watch, which holds its connection: the upstream's long-running pool (issue 9). */
  readonly watchPool: Pool;
  /** The proxy's own bearer token file, re-read on each (re)connect (projected tokens rotate). */
  readonly tokenFile: string;
  /** What it waits on between reconnects; the system clock by default, tests advance their own. */
  readonly clock?: Clock;
}

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

/** The wait before reconnect attempt `attempt` (from 0): doubling from 100 ms, at most 5 s. */
const backoffMs = (attempt: number): number => Math.min(5_000, 100 * 2 ** attempt);

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
   * Runs the list/watch loop until `signal` aborts, which also ends a wait between reconnects
   * (issue 13: that wait once held a shutdown for up to 5 s).
   */
  async start(signal: AbortSignal): Promise<void> {
    const clock = this.#options.clock ?? systemClock;
    this.#signal = signal;
    let attempt = 0;
    let resourceVersion: string | undefined;
    while (!signal.aborted) {
      try {
        if (resourceVersion === undefined) resourceVersion = await this.#list();
        attempt = 0;
        resourceVersion = await this.#watch(resourceVersion);
      } catch (error) {
        if (signal.aborted) return;
        if ((error as { gone?: boolean }).gone) resourceVersion = undefined;
        logRecord.publish({
          level: 'warn',
          msg: 'namespace watch failed; retrying',
          error: String(error),
        });
        await clock.sleep(backoffMs(attempt++), signal);
      }
    }
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

  async #headers(): Promise<Record<string, string>> {
    const token = (await readFile(this.#options.tokenFile, 'utf8')).trim();
    return { authorization: `Bearer ${token}`, accept: 'application/json' };
  }

  async #fetch(name: string): Promise<NamespaceLabelMap | undefined> {
    // A request about the namespace waits on this read: an apiserver it cannot reach is a 503 for
    // that request, as it would be had the request itself gone upstream (issue 9).
    const response = await this.#options.pool
      .request({
        method: 'GET',
        path: `/api/v1/namespaces/${encodeURIComponent(name)}`,
        headers: await this.#headers(),
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

  async #list(): Promise<string> {
    const response = await this.#options.pool.request({
      method: 'GET',
      path: '/api/v1/namespaces',
      headers: await this.#headers(),
      signal: this.#signal,
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(`listing namespaces answered ${response.statusCode}`);
    }
    const list = (await response.body.json()) as {
      metadata?: { resourceVersion?: string };
      items?: NamespaceObject[];
    };
    const seen = new Set<string>();
    for (const item of list.items ?? []) {
      const name = item.metadata?.name;
      if (name === undefined) continue;
      seen.add(name);
      this.#set(name, item.metadata?.labels ?? {});
    }
    for (const name of [...this.#labels.keys()]) if (!seen.has(name)) this.#set(name, undefined);
    this.#markSynced();
    return list.metadata?.resourceVersion ?? '';
  }

  async #watch(from: string): Promise<string> {
    const query = new URLSearchParams({
      watch: 'true',
      allowWatchBookmarks: 'true',
      resourceVersion: from,
    });
    const response = await this.#options.watchPool.request({
      method: 'GET',
      path: `/api/v1/namespaces?${query}`,
      headers: await this.#headers(),
      signal: this.#signal,
      bodyTimeout: 0,
    });
    if (response.statusCode === 410) {
      await response.body.dump();
      throw Object.assign(new Error('namespace watch expired'), { gone: true });
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(`watching namespaces answered ${response.statusCode}`);
    }
    let resourceVersion = from;
    let rest = '';
    for await (const chunk of response.body) {
      rest += chunk.toString();
      let newline = rest.indexOf('\n');
      while (newline >= 0) {
        const line = rest.slice(0, newline);
        rest = rest.slice(newline + 1);
        newline = rest.indexOf('\n');
        if (line.trim() === '') continue;
        const event = JSON.parse(line) as {
          type: string;
          object: NamespaceObject & { code?: number };
        };
        if (event.type === 'ERROR') {
          throw Object.assign(new Error('namespace watch error event'), {
            gone: event.object.code === 410,
          });
        }
        resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
        const name = event.object.metadata?.name;
        if (event.type === 'BOOKMARK' || name === undefined) continue;
        this.#set(
          name,
          event.type === 'DELETED' ? undefined : (event.object.metadata?.labels ?? {}),
        );
      }
    }
    return resourceVersion;
  }
}
