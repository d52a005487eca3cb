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
}

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
  return {
    context: options.context ?? 'fake',
    namespace: options.namespace ?? 'default',
    requests,
    get: async (path, getOptions = {}) => {
      requests.push(getOptions.metadataOnly === true ? `${path} (metadata)` : path);
      if (!table.has(path)) throw new ClusterError(`GET ${path}: 404 not found`, 404);
      return structuredClone(table.get(path));
    },
    watch: (path, onEvent, _onError, signal) => {
      const listeners = watches.get(path) ?? new Set();
      watches.set(path, listeners);
      listeners.add(onEvent);
      signal.addEventListener('abort', () => listeners.delete(onEvent), { once: true });
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
