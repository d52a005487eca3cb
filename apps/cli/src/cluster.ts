import type { CliIo } from './cli-io.js';

/** The kubectl flags that choose a cluster, a user and a namespace. */
export interface ClusterFlags {
  /** `--kubeconfig FILE`: this file only; otherwise `KUBECONFIG`, otherwise `~/.kube/config`. */
  readonly kubeconfig?: string | undefined;
  /** `--context NAME`: instead of the kubeconfig's current context. */
  readonly context?: string | undefined;
  /** `-n, --namespace NS`: instead of the context's namespace (or `default`). */
  readonly namespace?: string | undefined;
}

/** One kind of event of a watch, as the apiserver sends it. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * The Kubernetes API as the commands use it: GETs of API paths and watches. Commands build their
 * reads on these two, so a test can stand in for the whole cluster.
 */
export interface Cluster {
  /** The context in use, for messages. */
  readonly context: string;
  /** `-n`, else the context's namespace, else `default`. */
  readonly namespace: string;
  /**
   * GETs an API path (`/api/v1/namespaces`) as JSON. Throws a `ClusterError` (with the status
   * the apiserver gave, 404 for an object that is not there) when there is no answer.
   * `metadataOnly` asks for a PartialObjectMetadataList: names and labels without the objects'
   * contents, which is all ownership needs (and keeps Secrets' data off the wire).
   */
  get(path: string, options?: { readonly metadataOnly?: boolean }): Promise<unknown>;
  /**
   * Watches an API path and calls `onEvent` for every event, watching again whenever the
   * apiserver ends the watch, until `signal` aborts. `onError` hears about each failed attempt.
   */
  watch(
    path: string,
    onEvent: (type: WatchEventType) => void,
    onError: (error: Error) => void,
    signal: AbortSignal,
  ): void;
  /**
   * Server-side applies `object` at its API path (`/apis/apps/v1/namespaces/x/deployments/y`)
   * and returns the object as stored (or, with `dryRun`, as it would be stored). Throws a
   * `ClusterError` with the apiserver's status when the apply is refused.
   */
  apply(path: string, object: unknown, options: ApplyOptions): Promise<unknown>;
}

/** How a server-side apply is made. */
export interface ApplyOptions {
  /** The field manager that owns the fields applied. */
  readonly fieldManager: string;
  /** Take over fields another manager owns instead of failing with a conflict. */
  readonly force: boolean;
  /** `dryRun=All`: the apiserver validates and admits, and stores nothing. */
  readonly dryRun: boolean;
}

/** Opens a cluster for the flags given; throws an `InputError` when the kubeconfig is unusable. */
export type ConnectCluster = (io: CliIo, flags: ClusterFlags) => Promise<Cluster>;

/**
 * Opens the cluster with `@kubernetes/client-node`, loaded only now: the offline commands never
 * pay for loading it (README, Start-up).
 */
export const connectCluster: ConnectCluster = async (io, flags) => {
  const { openKubeCluster } = await import('./kube/kube-cluster.js');
  return openKubeCluster(io, flags);
};
