import {
  CoordinationV1Api,
  type CoreV1Api,
  type KubeConfig,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { eventually } from '../support/eventually.js';
import {
  type SampleController,
  type SampleControllerKind,
  type SampleControllerOptions,
  startSampleController,
} from '../support/sample-controller.js';

/** Label the sample controllers watch (see e2e/controllers/README.md). */
export const watchLabel = { 'e2e.ctrlmesh.io/watch': 'true' };
/** Annotation the sample controllers write when they reconcile. */
export const reconciledBy = 'e2e.ctrlmesh.io/reconciled-by';
/** Annotation the sample controllers' webhook adds on admission. */
export const admittedBy = 'e2e.ctrlmesh.io/admitted-by';

/** Replicas of one sample controller that share a Lease, like the pods of one Deployment. */
export interface ReplicaSet {
  replicas: SampleController[];
  /** Stops every replica still running (SIGTERM, then SIGKILL). */
  stopAll(): Promise<void>;
}

/**
 * Starts `count` replicas named `<kind>-sample-<i>` with one Lease `leaderElectionName` in
 * `podNamespace`; `perReplica` adds options per index (e.g. a webhook port each).
 */
export function givenReplicas(
  kind: SampleControllerKind,
  count: number,
  common: Omit<SampleControllerOptions, 'kind' | 'podName'>,
  perReplica: (index: number) => Partial<SampleControllerOptions> = () => ({}),
): ReplicaSet {
  const replicas: SampleController[] = [];
  const stopAll = async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
  };
  try {
    for (let index = 0; index < count; index++) {
      replicas.push(
        startSampleController({
          ...common,
          ...perReplica(index),
          kind,
          podName: `${kind}-sample-${index}`,
        }),
      );
    }
  } catch (error) {
    void stopAll();
    throw error;
  }
  return { replicas, stopAll };
}

/** The holderIdentity of a Lease, or undefined when it has none or does not exist. */
export async function leaseHolder(
  admin: KubeConfig,
  namespace: string,
  name: string,
): Promise<string | undefined> {
  try {
    const lease = await admin
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name, namespace });
    return lease.spec?.holderIdentity || undefined;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

/** Waits until the Lease names `holder`, with a bound long enough for an expiry and a takeover. */
export async function eventuallyLeaseHeldBy(
  admin: KubeConfig,
  namespace: string,
  name: string,
  holder: string,
  timeoutMs = 30_000,
): Promise<void> {
  await eventually(
    async () => {
      const current = await leaseHolder(admin, namespace, name);
      if (current !== holder) throw new Error(`holder is ${current ?? 'nobody'}`);
    },
    { what: `Lease ${namespace}/${name} to be held by ${holder}`, timeoutMs },
  );
}

/** Waits until ConfigMap `namespace/name` carries `reconciled-by: stamp` and returns it. */
export async function eventuallyReconciledBy(
  core: CoreV1Api,
  namespace: string,
  name: string,
  stamp: string,
  timeoutMs = 30_000,
): Promise<V1ConfigMap> {
  return eventually(
    async () => {
      const object = await core.readNamespacedConfigMap({ name, namespace });
      const value = object.metadata?.annotations?.[reconciledBy];
      if (value !== stamp) throw new Error(`${reconciledBy} is ${value ?? 'missing'}`);
      return object;
    },
    { what: `ConfigMap ${namespace}/${name} to be reconciled by ${stamp}`, timeoutMs },
  );
}
