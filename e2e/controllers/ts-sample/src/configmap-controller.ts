/**
 * The ConfigMap controller: a client-node informer over the ConfigMaps labelled with our watch
 * value, in all namespaces, feeds a work queue; only while leading does the queue patch anything.
 */
import {
  ApiException,
  type CoreV1Api,
  type KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import type { Logger } from './log.js';
import { type Stamper, stampPatch, watchSelector } from './reconcile.js';
import { WorkQueue } from './work-queue.js';

const RETRY_DELAY_MS = 1000;

/** What the controller needs to run; `watchValue` picks the ConfigMaps it lists and watches. */
export interface ConfigMapControllerOptions extends Stamper {
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  log: Logger;
}

/** A running controller; leadership switches reconciling on and off. */
export interface ConfigMapController {
  /** Starts or stops writing; on start, every cached ConfigMap is reconciled. */
  setLeading(leading: boolean): void;
  /** Stops the informer and the queue. */
  stop(): Promise<void>;
}

/** Starts the informer (every replica keeps a warm cache) and returns the controller. */
export async function startConfigMapController(
  options: ConfigMapControllerOptions,
): Promise<ConfigMapController> {
  const { kubeConfig, core, stamp, watchValue, log } = options;
  let leading = false;
  let stopped = false;

  const labelSelector = watchSelector(watchValue);
  const informer = makeInformer<V1ConfigMap>(
    kubeConfig,
    '/api/v1/configmaps',
    () => core.listConfigMapForAllNamespaces({ labelSelector }),
    labelSelector,
  );

  const reconcile = async (key: string): Promise<void> => {
    const [namespace, name] = key.split('/') as [string, string];
    const object = informer.get(name, namespace);
    const body = object === undefined ? undefined : stampPatch(object, { stamp, watchValue });
    if (!leading || body === undefined) return;
    try {
      await core.patchNamespacedConfigMap(
        { name, namespace, body },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return; // deleted meanwhile
      throw error;
    }
    log.info('reconciled', { namespace, name, reconciledBy: stamp });
  };
  const queue = new WorkQueue(reconcile, RETRY_DELAY_MS, (key, error) =>
    log.error('reconcile failed; retrying', { key, err: error }),
  );
  const enqueue = (object: V1ConfigMap) => {
    if (leading) queue.add(`${object.metadata?.namespace}/${object.metadata?.name}`);
  };

  informer.on('add', enqueue);
  informer.on('update', enqueue);
  // client-node 1.4 stops its informer on any watch or list error other than 410 Gone; a
  // controller has to start it again itself (client-go's reflector retries on its own), and again
  // if that start fails too (the apiserver, or its proxy, still down).
  let restarting: NodeJS.Timeout | undefined;
  const restartSoon = (error: unknown) => {
    if (stopped || restarting !== undefined) return;
    log.error('informer stopped; restarting', { err: error });
    // Not unref'd: while the informer is down, this timer is what keeps the process alive.
    restarting = setTimeout(() => {
      restarting = undefined;
      if (!stopped) informer.start().catch(restartSoon);
    }, RETRY_DELAY_MS);
  };
  informer.on('error', restartSoon);
  await informer.start();

  return {
    setLeading(next) {
      leading = next;
      if (next) for (const object of informer.list()) enqueue(object);
    },
    async stop() {
      stopped = true;
      clearTimeout(restarting);
      queue.stop();
      await informer.stop();
    },
  };
}
