import type { Clock } from '@ctrlmesh/runtime-support';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
  type ObjectCache,
  type V1ControllerRevision,
  type V1Pod,
} from '@kubernetes/client-node';
import type { ManagerCache, PolicyCache, PolicyObject } from '../controller/ports.js';
import type { PolicyKind } from '../core/policy-status.js';
import { VIRTUAL_APP_LABEL } from '../core/views.js';
import type { Logger } from '../observe/log.js';
import { POLICY_RESOURCES, VIRTUAL_APPS } from './kube-writer.js';
import type { VirtualAppObject } from './views-of.js';

/** What changed, for the controller to queue the VirtualApps it concerns. */
export interface InformerEvents {
  virtualApp(namespace: string, name: string): void;
  /** A revision labelled with `virtualApp` changed. */
  revision(namespace: string, virtualApp: string): void;
  pod(namespace: string): void;
  /** A TrafficPolicy or FaultInjection changed (decision 0006). */
  policy(kind: PolicyKind, namespace: string, name: string): void;
}

/** The manager's informers, as one cache. */
export interface ManagerInformers extends ManagerCache, PolicyCache {
  /** Lists and starts watching; resolves once each informer has tried its first list. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The informers whose first list has not succeeded yet (empty when ready). */
  unsynced(): string[];
  /** Every VirtualApp in the cache. */
  virtualApps(): VirtualAppObject[];
}

type Cached<T extends KubernetesObject> = Informer<T> & ObjectCache<T>;

/** Options of {@link createInformers}. */
export interface InformerOptions {
  readonly kubeConfig: KubeConfig;
  /** Only this namespace; undefined: all namespaces. */
  readonly namespace?: string | undefined;
  readonly events: InformerEvents;
  readonly clock: Clock;
  readonly log: Logger;
  /** How long to wait before restarting an informer that stopped on an error. */
  readonly restartDelayMs?: number;
}

/**
 * Informers (list, then watch) for VirtualApps, the ControllerRevisions labelled
 * `ctrlmesh.io/virtual-app`, pods, TrafficPolicies and FaultInjections, in one namespace or all.
 * client-node 1.4 stops an informer on any error but 410 Gone, so each is restarted after a delay.
 * The policy informers are optional: their CRDs may not be installed, so they are not part of
 * `unsynced` and restart ten times slower.
 */
export const createInformers = (options: InformerOptions): ManagerInformers => {
  const { kubeConfig, namespace, events, clock, log } = options;
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const scope = namespace === undefined ? '' : `/namespaces/${namespace}`;
  const synced = new Set<string>();
  let stopped = false;
  const cancels: (() => void)[] = [];

  const informer = <T extends KubernetesObject>(
    name: string,
    path: string,
    list: () => Promise<KubernetesListObject<T>>,
    onChange: (object: T) => void,
    labelSelector?: string,
    restartDelayMs = options.restartDelayMs ?? 1000,
  ): Cached<T> => {
    const made = makeInformer<T>(
      kubeConfig,
      path,
      async () => {
        const result = await list();
        synced.add(name);
        return result;
      },
      labelSelector,
    );
    made.on('add', onChange);
    made.on('update', onChange);
    made.on('delete', onChange);
    made.on('error', (error: unknown) => {
      if (stopped) return;
      log.warn('informer stopped; restarting', { informer: name, err: error });
      cancels.push(
        clock.after(restartDelayMs, () => {
          if (!stopped) made.start().catch(() => undefined);
        }),
      );
    });
    return made;
  };

  const metaOf = (object: KubernetesObject) => ({
    namespace: object.metadata?.namespace ?? '',
    name: object.metadata?.name ?? '',
  });

  const virtualApps = informer<KubernetesObject>(
    'virtualapps',
    `/apis/${VIRTUAL_APPS.group}/${VIRTUAL_APPS.version}${scope}/${VIRTUAL_APPS.plural}`,
    async () =>
      (namespace === undefined
        ? await custom.listClusterCustomObject(VIRTUAL_APPS)
        : await custom.listNamespacedCustomObject({
            ...VIRTUAL_APPS,
            namespace,
          })) as KubernetesListObject<KubernetesObject>,
    (object) => {
      const { namespace: ns, name } = metaOf(object);
      events.virtualApp(ns, name);
    },
  );
  const revisions = informer<V1ControllerRevision>(
    'controllerrevisions',
    `/apis/apps/v1${scope}/controllerrevisions`,
    () =>
      namespace === undefined
        ? apps.listControllerRevisionForAllNamespaces({ labelSelector: VIRTUAL_APP_LABEL })
        : apps.listNamespacedControllerRevision({ namespace, labelSelector: VIRTUAL_APP_LABEL }),
    (object) => {
      const owner = object.metadata?.labels?.[VIRTUAL_APP_LABEL];
      if (owner !== undefined) events.revision(metaOf(object).namespace, owner);
    },
    VIRTUAL_APP_LABEL,
  );
  const pods = informer<V1Pod>(
    'pods',
    `/api/v1${scope}/pods`,
    () =>
      namespace === undefined
        ? core.listPodForAllNamespaces()
        : core.listNamespacedPod({ namespace }),
    (object) => events.pod(metaOf(object).namespace),
  );
  const policyInformer = (kind: PolicyKind) => {
    const resource = POLICY_RESOURCES[kind];
    return informer<KubernetesObject>(
      resource.plural,
      `/apis/${resource.group}/${resource.version}${scope}/${resource.plural}`,
      async () =>
        (namespace === undefined
          ? await custom.listClusterCustomObject(resource)
          : await custom.listNamespacedCustomObject({
              ...resource,
              namespace,
            })) as KubernetesListObject<KubernetesObject>,
      (object) => {
        const { namespace: ns, name } = metaOf(object);
        events.policy(kind, ns, name);
      },
      undefined,
      (options.restartDelayMs ?? 1000) * 10,
    );
  };
  const policies: Record<PolicyKind, Cached<KubernetesObject>> = {
    TrafficPolicy: policyInformer('TrafficPolicy'),
    FaultInjection: policyInformer('FaultInjection'),
  };
  const all = [virtualApps, revisions, pods, policies.TrafficPolicy, policies.FaultInjection];

  return {
    async start() {
      await Promise.all(all.map((made) => made.start()));
    },
    async stop() {
      stopped = true;
      for (const cancel of cancels) cancel();
      await Promise.all(all.map((made) => made.stop()));
    },
    unsynced: () =>
      ['virtualapps', 'controllerrevisions', 'pods'].filter((name) => !synced.has(name)),
    virtualApps: () => [...virtualApps.list()] as VirtualAppObject[],
    virtualApp: (ns, name) => virtualApps.get(name, ns) as VirtualAppObject | undefined,
    revisionsOf: (ns, name) =>
      revisions.list(ns).filter((r) => r.metadata?.labels?.[VIRTUAL_APP_LABEL] === name),
    podsIn: (ns) => [...pods.list(ns)],
    virtualAppsIn: (ns) => [...virtualApps.list(ns)] as VirtualAppObject[],
    policy: (kind, ns, name) => policies[kind].get(name, ns) as PolicyObject | undefined,
    policiesIn: (ns) =>
      (['TrafficPolicy', 'FaultInjection'] as const).flatMap((kind) =>
        policies[kind].list(ns).map((object) => ({ kind, object: object as PolicyObject })),
      ),
  };
};
