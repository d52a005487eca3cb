import { Set as ImmutableSet } from 'immutable';

/** How much {@link WatchSeeds} keeps. */
export interface WatchSeedsLimits {
  /** Positions kept per scope, least recently recorded or used dropped first. */
  readonly positionsPerScope?: number;
  /** Scopes kept, least recently recorded or used dropped first (with all their positions). */
  readonly scopes?: number;
}

// What a client held at one position; a list's position also keeps the set it was built from, so
// that its later pages are built from it too.
interface Position {
  readonly held: ImmutableSet<string>;
  readonly base?: ImmutableSet<string>;
}

interface Scope {
  readonly positions: Map<string, Position>;
  latest: ImmutableSet<string>;
  /** The one namespace its watches read; undefined for every namespace (or none). */
  readonly namespace: string | undefined;
}

/**
 * Where a client resumes: `key` names the watch scope exactly; `namespace` is the one namespace it
 * reads, so that a relabelled namespace forgets only what it can change. A bare string is a key
 * whose watches may read any namespace.
 */
export type SeedScope = string | { readonly key: string; readonly namespace?: string | undefined };

const keyOf = (scope: SeedScope): string => (typeof scope === 'string' ? scope : scope.key);
const namespaceOf = (scope: SeedScope): string | undefined =>
  typeof scope === 'string' ? undefined : scope.namespace;

// The set holding exactly `wanted`, made from `base` in one batch of changes so that both share all
// but the keys that differ (from an empty base: built in one pass, no path copied per key).
const becoming = (base: ImmutableSet<string>, wanted: ReadonlySet<string>): ImmutableSet<string> =>
  base.withMutations((set) => {
    for (const key of base) if (!wanted.has(key)) set.delete(key);
    for (const key of wanted) set.add(key);
  });

const bump = <K, V>(map: Map<K, V>, key: K, value: V): void => {
  map.delete(key);
  map.set(key, value);
};

const dropOldest = <K, V>(map: Map<K, V>, capacity: number): void => {
  while (map.size > capacity) map.delete(map.keys().next().value as K);
};

/**
 * What a client holds after a list or a watch, keyed by where it will resume: the watch scope (its
 * resource, namespace, its own selectors, whether its user agent is default-only) and the
 * resourceVersion it will watch from.
 * A watch never carries the client's cache, yet the proxy must know which objects the client has to
 * turn "moved out of the slice" into DELETED and nothing else into one (that would leak). So lists
 * record what they showed, watches record each position they reach as they reach it (before the
 * client can read it, so a client that closes and re-watches at once finds it), and a watch from a
 * position with no record is answered 410 Expired: the client re-lists through this proxy and the
 * record exists.
 *
 * Memory: the sets are persistent sets of `immutable` (hash tries whose changes copy only the path
 * to the key changed), and every set of a scope is built from the one before it (a list from the
 * scope's latest set, a watch's positions from its seed), so they share all but the keys that
 * changed between them. A scope costs O(n + c) where n is the number of keys it holds and c the
 * number of keys changed between its kept positions and the sets they were built from (each change
 * costs one path of the trie, a few nodes of at most 32 slots); it keeps at most
 * `positionsPerScope` positions (256) and the proxy at most `scopes` scopes (256). Reconnects do
 * not add to it: a watch adds one position per event, the oldest positions go.
 */
export class WatchSeeds {
  readonly #scopes = new Map<string, Scope>();
  readonly #positionsPerScope: number;
  readonly #scopeCapacity: number;

  constructor(limits: WatchSeedsLimits = {}) {
    this.#positionsPerScope = limits.positionsPerScope ?? 256;
    this.#scopeCapacity = limits.scopes ?? 256;
  }

  /** Records the keys a list showed at `resourceVersion`; `append` adds to it (a continued paginated list). */
  record(scope: SeedScope, resourceVersion: string, keys: Iterable<string>, append = false): void {
    const entry = this.#scope(scope);
    const existing = append ? entry.positions.get(resourceVersion) : undefined;
    const wanted = new Set(existing === undefined ? [] : existing.held);
    for (const key of keys) wanted.add(key);
    const base = existing?.base ?? entry.latest;
    this.#put(entry, resourceVersion, { held: becoming(base, wanted), base });
  }

  /** Records what a watch's client holds once it has reached `resourceVersion`. */
  advance(scope: SeedScope, resourceVersion: string, held: ImmutableSet<string>): void {
    this.#put(this.#scope(scope), resourceVersion, { held });
  }

  /** The keys a client resuming at `resourceVersion` holds, or undefined when unknown. */
  seed(scope: SeedScope, resourceVersion: string): ImmutableSet<string> | undefined {
    const key = keyOf(scope);
    const entry = this.#scopes.get(key);
    const position = entry?.positions.get(resourceVersion);
    if (entry === undefined || position === undefined) return undefined;
    bump(this.#scopes, key, entry);
    bump(entry.positions, resourceVersion, position);
    return position.held;
  }

  /** Forgets everything (the visible sets changed: new routes). */
  clear(): void {
    this.#scopes.clear();
  }

  /**
   * Forgets what watches reading `namespace` were shown (its labels changed what they may see):
   * scopes of that namespace and of every namespace. Others keep their positions, so their clients
   * resume without a re-list.
   */
  forgetNamespace(namespace: string): void {
    for (const [key, entry] of [...this.#scopes]) {
      if (entry.namespace === undefined || entry.namespace === namespace) this.#scopes.delete(key);
    }
  }

  #scope(scope: SeedScope): Scope {
    const key = keyOf(scope);
    const entry = this.#scopes.get(key) ?? {
      positions: new Map(),
      latest: ImmutableSet<string>(),
      namespace: namespaceOf(scope),
    };
    bump(this.#scopes, key, entry);
    dropOldest(this.#scopes, this.#scopeCapacity);
    return entry;
  }

  #put(entry: Scope, resourceVersion: string, position: Position): void {
    bump(entry.positions, resourceVersion, position);
    entry.latest = position.held;
    dropOldest(entry.positions, this.#positionsPerScope);
  }
}
