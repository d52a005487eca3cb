import { Set as ImmutableSet } from 'immutable';
import { type KubeObject, objectKey } from './kube-object.js';

/** A watch event as the apiserver sends it. */
export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR' | string;
  readonly object: KubeObject;
}

/** What to send the client for one upstream event. */
export type WatchOutcome =
  | { readonly kind: 'forward' }
  | { readonly kind: 'retype'; readonly type: 'ADDED' | 'DELETED' }
  | { readonly kind: 'bookmark'; readonly object: KubeObject }
  | { readonly kind: 'drop' };

/** How the client opened the watch; decides when a dropped event may become a BOOKMARK. */
export interface WatchOpening {
  /** The client sent `allowWatchBookmarks=true`. */
  readonly bookmarks: boolean;
  /** The client sent `sendInitialEvents=true`: initial events come first, ended by a marked bookmark. */
  readonly sendInitialEvents: boolean;
  /** The watch starts from a specific resourceVersion (not unset, not "0"). */
  readonly fromExactVersion: boolean;
}

/** Told each position a watch reaches, with what its client holds there, before the client can read it. */
export type PositionReached = (resourceVersion: string, held: ImmutableSet<string>) => void;

// The annotation the apiserver puts on the bookmark that ends the initial events (KEP-3157).
const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/**
 * The per-watch memory of what the client has been shown, and the rule for each event:
 * - objects that move into the slice (a MODIFIED the client has not seen) become ADDED;
 * - objects that move out (now invisible, but shown) become DELETED for this client;
 * - events the client may not see are dropped; when it asked for bookmarks, a BOOKMARK with only the
 *   resourceVersion takes their place, so its position still advances. Never while initial events
 *   (which are not in resourceVersion order) are being sent: a bookmark there could make a client
 *   resume from a position it has not reached.
 */
export class WatchVisibility {
  // Immutable: each position reached is recorded as the set itself, sharing all but what changed.
  #shown: ImmutableSet<string>;
  readonly #opening: WatchOpening;
  readonly #reached: PositionReached;
  #initial: boolean;
  /** The last resourceVersion sent to the client (events or bookmarks). */
  lastResourceVersion: string | undefined = undefined;

  constructor(shown: Iterable<string>, opening: WatchOpening, reached: PositionReached = () => {}) {
    // A seed is taken as it is, so that the positions this watch reaches share it.
    this.#shown = ImmutableSet.isSet(shown) ? (shown as ImmutableSet<string>) : ImmutableSet(shown);
    this.#opening = opening;
    this.#reached = reached;
    this.#initial = opening.sendInitialEvents;
  }

  /** True while the initial events of a `sendInitialEvents` watch (a list, in effect) still flow. */
  get inInitialEvents(): boolean {
    return this.#initial;
  }

  /** The keys the client holds now (to seed the next watch from the same position). */
  shownKeys(): ImmutableSet<string> {
    return this.#shown;
  }

  /** Decides one event, given whether its object is visible to this pod now. */
  next(event: WatchEvent, visible: boolean): WatchOutcome {
    const outcome = this.#decide(event, visible);
    const rv = event.object.metadata?.resourceVersion;
    if (
      outcome.kind !== 'drop' &&
      rv !== undefined &&
      (event.type === 'BOOKMARK' || this.#ordered(event))
    ) {
      this.lastResourceVersion = rv;
      this.#reached(rv, this.#shown);
    }
    return outcome;
  }

  #decide(event: WatchEvent, visible: boolean): WatchOutcome {
    if (event.type === 'BOOKMARK') {
      if (hasInitialEventsEnd(event.object)) this.#initial = false;
      return { kind: 'forward' };
    }
    if (event.type === 'ERROR') return { kind: 'forward' };
    const key = objectKey(event.object);
    const shown = this.#shown.has(key);
    if (event.type === 'DELETED') {
      this.#shown = this.#shown.delete(key);
      return shown || visible ? { kind: 'forward' } : this.#dropped(event);
    }
    if (visible) {
      this.#shown = this.#shown.add(key);
      return shown || event.type === 'ADDED'
        ? { kind: 'forward' }
        : { kind: 'retype', type: 'ADDED' };
    }
    if (shown) {
      this.#shown = this.#shown.delete(key);
      return { kind: 'retype', type: 'DELETED' };
    }
    return this.#dropped(event);
  }

  // Initial events, and the synthetic ADDED events of a watch from resourceVersion unset or "0", are
  // not in resourceVersion order: their versions are no position to resume from.
  #ordered(event: WatchEvent): boolean {
    return !this.#initial && (event.type !== 'ADDED' || this.#opening.fromExactVersion);
  }

  #dropped(event: WatchEvent): WatchOutcome {
    const rv = event.object.metadata?.resourceVersion;
    if (!this.#opening.bookmarks || !this.#ordered(event) || rv === undefined)
      return { kind: 'drop' };
    return {
      kind: 'bookmark',
      object: {
        ...(event.object.kind === undefined ? {} : { kind: event.object.kind }),
        ...(event.object.apiVersion === undefined ? {} : { apiVersion: event.object.apiVersion }),
        metadata: { resourceVersion: rv },
      },
    };
  }
}

const hasInitialEventsEnd = (object: KubeObject): boolean => {
  const annotations = object.metadata?.annotations;
  return annotations?.[INITIAL_EVENTS_END] === 'true';
};
