import type { Cluster, WatchEventType } from '../cluster.js';
import { ClusterError } from '../cluster-error.js';

/** A Cluster that answers from a table of API paths, for unit tests of the commands. */
export interface FakeCluster extends Cluster {
  /** Sets (or, with undefined, removes) what a path answers. */
  set(path: string, value: unknown): void;
  /** Sends an event to the watches of a path. */
  emit(path: string, type?: WatchEventType): void;
  /** The paths asked for, in order, with `(metadata)` after metadata-only lists. */
  readonly requests: string[];
  /** The paths being watched now. */
  watched(): string[];
  /** Makes every later request to `path` (GET and apply) fail with `error`. */
  refuse(path: string, error: Error): void;
}

/**
 * An APIResourceList as discovery answers `/api/v1` or `/apis/GROUP/VERSION`: each entry is
 * `[kind, resource, namespaced]`.
 */
export const apiResources = (
  ...resources: readonly (readonly [string, string, boolean])[]
): { resources: { kind: string; name: string; namespaced: boolean }[] } => ({
  resources: resources.map(([kind, name, namespaced]) => ({ kind, name, namespaced })),
});

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const named = (value: unknown): string | undefined =>
  isRecord(value) && typeof value.name === 'string' ? value.name : undefined;

/** `applied` merged into `stored`: maps key by key, lists of named items by name, else replaced. */
const mergeApplied = (stored: unknown, applied: unknown): unknown => {
  if (isRecord(stored) && isRecord(applied)) {
    const merged: Record<string, unknown> = { ...stored };
    for (const [key, value] of Object.entries(applied))
      merged[key] = mergeApplied(stored[key], value);
    return merged;
  }
  if (Array.isArray(stored) && Array.isArray(applied) && applied.every((item) => named(item))) {
    return applied.map((item) =>
      mergeApplied(
        stored.find((old) => named(old) === named(item)),
        item,
      ),
    );
  }
  return structuredClone(applied);
};

const withoutVersion = (object: unknown): string => {
  const copy = structuredClone(object) as { metadata?: Record<string, unknown> };
  delete copy.metadata?.resourceVersion;
  return JSON.stringify(copy);
};

/** A list of objects as the apiserver answers a list. */
export const listOf = (...items: readonly unknown[]): { items: readonly unknown[] } => ({ items });

/** `{metadata: {name, namespace?, labels}}`, an item of a metadata-only list. */
export const meta = (name: string, namespace?: string, labels: Record<string, string> = {}) => ({
  metadata: { name, ...(namespace === undefined ? {} : { namespace }), labels },
});

/** A fake cluster whose paths answer `answers`; any other path is a 404, as on a real one. */
export const fakeCluster = (
  answers: Record<string, unknown>,
  options: { namespace?: string; context?: string } = {},
): FakeCluster => {
  const table = new Map(Object.entries(answers));
  const watches = new Map<string, Set<(type: WatchEventType) => void>>();
  const requests: string[] = [];
  const refusals = new Map<string, Error>();
  let resourceVersion = 100;
  return {
    context: options.context ?? 'fake',
    namespace: options.namespace ?? 'default',
    requests,
    get: async (path, getOptions = {}) => {
      requests.push(getOptions.metadataOnly === true ? `${path} (metadata)` : path);
      const refusal = refusals.get(path);
      if (refusal !== undefined) throw refusal;
      if (!table.has(path)) throw new ClusterError(`GET ${path}: 404 not found`, 404);
      return structuredClone(table.get(path));
    },
    watch: (path, onEvent, _onError, signal) => {
      const listeners = watches.get(path) ?? new Set();
      watches.set(path, listeners);
      listeners.add(onEvent);
      signal.addEventListener('abort', () => listeners.delete(onEvent), { once: true });
    },
    // A server-side apply, simplified: the fields applied are merged into the stored object
    // (lists of named items by name), so fields others set stay; the object gets a new
    // resourceVersion only when that changes anything.
    apply: async (path, object, options) => {
      requests.push(`PATCH ${path}${options.dryRun ? ' (dry run)' : ''}`);
      const refusal = refusals.get(path);
      if (refusal !== undefined) throw refusal;
      const before = table.get(path);
      const merged = mergeApplied(before, object) as { metadata?: Record<string, unknown> };
      if (before !== undefined && withoutVersion(before) === withoutVersion(merged)) {
        return structuredClone(before);
      }
      resourceVersion += 1;
      const after = {
        ...merged,
        metadata: { ...merged.metadata, resourceVersion: String(resourceVersion) },
      };
      if (!options.dryRun) table.set(path, after);
      return structuredClone(after);
    },
    refuse: (path, error) => {
      refusals.set(path, error);
    },
    set: (path, value) => {
      if (value === undefined) table.delete(path);
      else table.set(path, value);
    },
    emit: (path, type = 'MODIFIED') => {
      for (const listener of watches.get(path) ?? []) listener(type);
    },
    watched: () => [...watches].filter(([, listeners]) => listeners.size > 0).map(([path]) => path),
  };
};
