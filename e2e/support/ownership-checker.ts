import { setTimeout as sleep } from 'node:timers/promises';
import { answerThroughProxy, type ProxyEndpoint, requestThroughProxy } from './proxy-request.js';

/** One pod's view to check: what its proxy shows a client, and the subset the pod is in. */
export interface CheckedView {
  readonly subset: string;
  readonly proxy: ProxyEndpoint;
}

/** An interval in which one object was seen by pods of two or more subsets. */
export interface Overlap {
  readonly key: string;
  readonly subsets: readonly string[];
  readonly since: number;
  /** Undefined while it lasts. */
  readonly until: number | undefined;
}

/** What the checker saw of one object: each time the set of subsets that see it changed. */
export interface OwnerChange {
  readonly at: number;
  readonly subsets: readonly string[];
}

/** Watches every pod's view of one resource and records who saw which object when. */
export interface OwnershipChecker {
  /** Resolves once every view was listed once. */
  readonly synced: Promise<void>;
  /** The subsets whose pods see `key` (`namespace/name`) now, sorted. */
  ownersOf(key: string): string[];
  /** Every object key any view has seen. */
  keys(): string[];
  /** Each change of the subsets that see `key`, oldest first. */
  history(key: string): readonly OwnerChange[];
  /** Every interval in which some object was seen by two subsets at once. */
  overlaps(): Overlap[];
  /** Views that failed in a way other than an expired watch, with why (should stay empty). */
  errors(): string[];
  stop(): Promise<void>;
}

/** What to check: the views, the collection path (a list URL), and the token clients send. */
export interface OwnershipCheckerOptions {
  readonly views: readonly CheckedView[];
  /** E.g. `/api/v1/configmaps?labelSelector=...`: listed and watched through each proxy. */
  readonly collection: string;
  readonly token: string;
  /** The clock the times are read from (Date.now by default). */
  readonly now?: () => number;
}

interface KubeObject {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
}

const keyOf = (object: KubeObject) => `${object.metadata.namespace ?? ''}/${object.metadata.name}`;

const withQuery = (collection: string, query: string) =>
  `${collection}${collection.includes('?') ? '&' : '?'}${query}`;

/**
 * Starts an exactly-once checker (issue 14): for each pod it lists `collection` through the pod's
 * proxy, then watches it (re-listing after a 410 or a closed stream, as a reflector does), and
 * keeps, per object, which subsets see it. Two subsets seeing one object at the same instant (by
 * this process's clock, which sees every view) is an overlap. A 410 from a proxy empties its view
 * at once: the proxy sends it after it swapped its routes, and what a pod may act on is what its
 * proxy decides, not its client's stale cache during the re-list. Views lag the proxies by the
 * time a watch event takes to arrive, so an overlap shorter than that could be missed; the
 * two-phase handover leaves a gap of at least one report round trip between a revoke and a grant.
 */
export function startOwnershipChecker(options: OwnershipCheckerOptions): OwnershipChecker {
  const now = options.now ?? Date.now;
  const stopping = new AbortController();
  // key -> pod -> subset, for the pods that see the key now.
  const seenBy = new Map<string, Map<string, string>>();
  const histories = new Map<string, OwnerChange[]>();
  const overlapList: { key: string; subsets: string[]; since: number; until?: number }[] = [];
  const open = new Map<string, (typeof overlapList)[number]>();
  const failures: string[] = [];

  const subsetsOf = (key: string) => [...new Set(seenBy.get(key)?.values() ?? [])].sort();

  const record = (key: string, before: string[]) => {
    const after = subsetsOf(key);
    if (after.join() === before.join()) return;
    const at = now();
    const history = histories.get(key) ?? [];
    history.push({ at, subsets: after });
    histories.set(key, history);
    const current = open.get(key);
    if (after.length > 1 && current === undefined) {
      const overlap = { key, subsets: after, since: at };
      overlapList.push(overlap);
      open.set(key, overlap);
    } else if (after.length > 1 && current !== undefined) {
      current.subsets = [...new Set([...current.subsets, ...after])].sort();
    } else if (after.length <= 1 && current !== undefined) {
      current.until = at;
      open.delete(key);
    }
  };

  const see = (pod: string, subset: string, key: string, visible: boolean) => {
    const before = subsetsOf(key);
    const pods = seenBy.get(key) ?? new Map<string, string>();
    if (visible) pods.set(pod, subset);
    else pods.delete(pod);
    seenBy.set(key, pods);
    record(key, before);
  };

  const follow = async (view: CheckedView, listed: () => void) => {
    const pod = view.proxy.podName;
    let visible = new Set<string>();
    while (!stopping.signal.aborted) {
      try {
        const list = await answerThroughProxy(view.proxy, options.collection, {
          token: options.token,
        });
        if (list.status !== 200) throw new Error(`list answered ${list.status}`);
        const items = (list.body.items ?? []) as KubeObject[];
        const next = new Set(items.map(keyOf));
        for (const key of visible) if (!next.has(key)) see(pod, view.subset, key, false);
        for (const key of next) if (!visible.has(key)) see(pod, view.subset, key, true);
        visible = next;
        listed();
        const version = (list.body.metadata as { resourceVersion: string }).resourceVersion;
        const res = await requestThroughProxy(
          view.proxy,
          withQuery(
            options.collection,
            `watch=1&allowWatchBookmarks=true&resourceVersion=${version}`,
          ),
          { token: options.token },
        );
        stopping.signal.addEventListener('abort', () => res.destroy(), { once: true });
        let pending = '';
        readStream: for await (const chunk of res) {
          pending += (chunk as Buffer).toString('utf8');
          for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
            const line = pending.slice(0, end);
            pending = pending.slice(end + 1);
            if (line.trim() === '') continue;
            const event = JSON.parse(line) as { type: string; object: KubeObject };
            if (event.type === 'ERROR') {
              // The proxy ends a watch with 410 after it swapped its routes: from here it decides
              // every request on the new ones, so the old set is no longer what this pod may act
              // on (its client's cache is stale until the re-list, and writes to what it lost get
              // 403). The view is empty until the re-list says what the pod holds now.
              for (const key of visible) see(pod, view.subset, key, false);
              visible = new Set();
              break readStream;
            }
            if (event.type === 'BOOKMARK') continue;
            const key = keyOf(event.object);
            const shown = event.type !== 'DELETED';
            if (shown) visible.add(key);
            else visible.delete(key);
            see(pod, view.subset, key, shown);
          }
        }
        res.destroy();
      } catch (error) {
        if (stopping.signal.aborted) return;
        // A proxy that does not answer shows its pod nothing (a killed proxy, for one).
        for (const key of visible) see(pod, view.subset, key, false);
        visible = new Set();
        failures.push(`${pod}: ${error instanceof Error ? error.message : String(error)}`);
        await sleep(100);
      }
    }
  };

  const runs: Promise<void>[] = [];
  const listedOnce: Promise<void>[] = [];
  for (const view of options.views) {
    let listed!: () => void;
    listedOnce.push(new Promise<void>((resolve) => (listed = resolve)));
    runs.push(follow(view, () => listed()));
  }

  return {
    synced: Promise.all(listedOnce).then(() => undefined),
    ownersOf: subsetsOf,
    keys: () => [...seenBy.keys()],
    history: (key) => histories.get(key) ?? [],
    overlaps: () => overlapList.map((o) => ({ ...o, until: o.until })),
    errors: () => [...failures],
    stop: async () => {
      stopping.abort();
      await Promise.allSettled(runs);
    },
  };
}
