import { randomBytes } from 'node:crypto';
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

/**
 * The label that puts a ConfigMap in the slice of sample controllers started with
 * `WATCH_VALUE=value`; the default `true` is the controllers' own default (see
 * e2e/controllers/README.md).
 */
export function watchLabel(value = 'true'): Record<string, string> {
  return { 'e2e.ctrlmesh.io/watch': value };
}

/**
 * A watch value no other scenario uses, `<prefix>-<6 hex digits>`: controllers started with it
 * never see another file's ConfigMaps, which is the fence for controllers run without a proxy.
 * `prefix` must itself be a label value of at most 56 characters.
 */
export function uniqueWatchValue(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}
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

/** What the replicas of a set share; `watchValue` becomes their WATCH_VALUE. */
export type ReplicaOptions = Omit<SampleControllerOptions, 'kind' | 'podName'> & {
  watchValue?: string;
};

/**
 * Starts `count` replicas named `<kind>-sample-<i>` with one Lease `leaderElectionName` in
 * `podNamespace`; `perReplica` adds options per index (e.g. a webhook port each).
 */
export function givenReplicas(
  kind: SampleControllerKind,
  count: number,
  { watchValue, ...common }: ReplicaOptions,
  perReplica: (index: number) => Partial<SampleControllerOptions> = () => ({}),
): ReplicaSet {
  const env = watchValue === undefined ? common.env : { ...common.env, WATCH_VALUE: watchValue };
  const replicas: SampleController[] = [];
  const stopAll = async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
  };
  try {
    for (let index = 0; index < count; index++) {
      replicas.push(
        startSampleController({
          ...common,
          env,
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
