import { UpstreamUnavailableError } from '../status/proxy-error.js';

/** Labels of one namespace. */
export type NamespaceLabelMap = Readonly<Record<string, string>>;

/**
 * Where ownership decisions get namespace labels from. Injectable: tests hand a fixed map; the
 * runtime watches the apiserver with the proxy's own credential (`watch-namespaces.ts`).
 */
export interface NamespaceLabels {
  /**
   * The labels of `name`; a promise when it must be fetched first (a namespace created a moment ago
   * may reach a controller's watch before the proxy's namespace watch). Undefined: no such namespace.
   */
  get(name: string): NamespaceLabelMap | undefined | Promise<NamespaceLabelMap | undefined>;
  /** Every namespace known now, with its labels. */
  known(): ReadonlyMap<string, NamespaceLabelMap>;
  /** Calls `listener` when a namespace's labels change, with its labels before and after. */
  onChange(listener: NamespaceRelabelListener): () => void;
}

/** Told of a namespace whose labels changed. */
export type NamespaceRelabelListener = (
  name: string,
  before: NamespaceLabelMap,
  after: NamespaceLabelMap,
) => void;

/** A fixed set of namespaces (tests, and VirtualApps that never look at namespace labels). */
export class StaticNamespaceLabels implements NamespaceLabels {
  readonly #labels: Map<string, NamespaceLabelMap>;
  readonly #listeners = new Set<NamespaceRelabelListener>();

  constructor(labels: Readonly<Record<string, NamespaceLabelMap>> = {}) {
    this.#labels = new Map(Object.entries(labels));
  }

  get(name: string): NamespaceLabelMap | undefined {
    return this.#labels.get(name);
  }

  known(): ReadonlyMap<string, NamespaceLabelMap> {
    return this.#labels;
  }

  onChange(listener: NamespaceRelabelListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sets (or, with undefined, removes) a namespace; tells listeners when known labels change. */
  set(name: string, labels: NamespaceLabelMap | undefined): void {
    const before = this.#labels.get(name);
    if (labels === undefined) this.#labels.delete(name);
    else this.#labels.set(name, labels);
    if (before !== undefined && labels !== undefined) {
      for (const listener of this.#listeners) listener(name, before, labels);
    }
  }
}

/**
 * Used when the proxy was given no credential of its own: every namespaced decision fails with 503
 * rather than guessing labels (a guess could widen a slice). Borrowing the controller's credential
 * is not an option: it would make the proxy read with an identity that did not ask.
 */
export class UnavailableNamespaceLabels implements NamespaceLabels {
  get(name: string): Promise<NamespaceLabelMap | undefined> {
    return Promise.reject(
      new UpstreamUnavailableError(
        `ctrlmesh-proxy has no credential to read the labels of namespace "${name}" (set --token-file)`,
      ),
    );
  }

  known(): ReadonlyMap<string, NamespaceLabelMap> {
    return new Map();
  }

  onChange(): () => void {
    return () => undefined;
  }
}
