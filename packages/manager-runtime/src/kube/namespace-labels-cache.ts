import type { Clock } from '@ctrlmesh/runtime-support';
import {
  CoreV1Api,
  type KubeConfig,
  makeInformer,
  type V1Namespace,
} from '@kubernetes/client-node';
import type { Logger } from '../observe/log.js';

/** Namespace labels from an informer, for the injection webhook (`InjectionLister`). */
export interface NamespaceLabelsCache {
  /** The labels of namespace `name`; read from the apiserver when the cache does not have it. */
  labelsOf(name: string): Promise<Readonly<Record<string, string>> | undefined>;
  /** Lists and starts watching; resolves once the first list was tried. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of {@link createNamespaceLabelsCache}. */
export interface NamespaceLabelsCacheOptions {
  readonly kubeConfig: KubeConfig;
  readonly clock: Clock;
  readonly log: Logger;
  /** How long to wait before restarting an informer that stopped on an error. */
  readonly restartDelayMs?: number;
}

/**
 * Watches every namespace's labels (a namespace labelled `ctrlmesh.io/inject: enabled` opts its
 * pods in), so that an admission review never waits on the apiserver. A namespace the cache has
 * not seen yet (created an instant before its first pod) is read once from the apiserver.
 */
export const createNamespaceLabelsCache = (
  options: NamespaceLabelsCacheOptions,
): NamespaceLabelsCache => {
  const { kubeConfig, clock, log } = options;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  let stopped = false;
  let cancelRestart: (() => void) | undefined;
  const informer = makeInformer<V1Namespace>(kubeConfig, '/api/v1/namespaces', () =>
    core.listNamespace(),
  );
  informer.on('error', (error: unknown) => {
    if (stopped) return;
    log.warn('informer stopped; restarting', { informer: 'namespaces', err: error });
    cancelRestart = clock.after(options.restartDelayMs ?? 1000, () => {
      if (!stopped) informer.start().catch(() => undefined);
    });
  });
  return {
    async labelsOf(name) {
      const cached = informer.get(name);
      if (cached !== undefined) return cached.metadata?.labels;
      return (await core.readNamespace({ name })).metadata?.labels;
    },
    start: () => informer.start(),
    async stop() {
      stopped = true;
      cancelRestart?.();
      await informer.stop();
    },
  };
};
