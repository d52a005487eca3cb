import {
  ApiException,
  type CoordinationV1Api,
  type V1Lease,
  V1MicroTime,
} from '@kubernetes/client-node';
import {
  LeaseConflict,
  type LeaseRecord,
  type LeaseStore,
  type StoredLease,
} from '../leader/lease-store.js';

/** client-node declares MicroTime fields as Dates but may hand back the server's text. */
const text = (value: Date | string | undefined): string | undefined => {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : new V1MicroTime(value.getTime()).toISOString();
};

const stored = (lease: V1Lease): StoredLease => ({
  version: lease.metadata?.resourceVersion ?? '',
  record: {
    holderIdentity: lease.spec?.holderIdentity,
    leaseDurationSeconds: lease.spec?.leaseDurationSeconds,
    acquireTime: text(lease.spec?.acquireTime),
    renewTime: text(lease.spec?.renewTime),
    leaseTransitions: lease.spec?.leaseTransitions ?? 0,
  },
});

const time = (value: string | undefined) =>
  value === undefined ? undefined : new V1MicroTime(value);

const body = (namespace: string, name: string, record: LeaseRecord, version?: string): V1Lease => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name, namespace, ...(version === undefined ? {} : { resourceVersion: version }) },
  spec: {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    acquireTime: time(record.acquireTime),
    renewTime: time(record.renewTime),
    leaseTransitions: record.leaseTransitions,
  },
});

const conflicts = async <T>(call: Promise<T>): Promise<T> => {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ApiException && error.code === 409) throw new LeaseConflict();
    throw error;
  }
};

/** The Lease `namespace/name` in the apiserver; writes carry the resourceVersion read. */
export const kubeLeaseStore = (
  api: CoordinationV1Api,
  namespace: string,
  name: string,
): LeaseStore => ({
  async get() {
    try {
      return stored(await api.readNamespacedLease({ name, namespace }));
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  },
  create: async (record) =>
    stored(
      await conflicts(
        api.createNamespacedLease({ namespace, body: body(namespace, name, record) }),
      ),
    ),
  update: async (record, version) =>
    stored(
      await conflicts(
        api.replaceNamespacedLease({
          name,
          namespace,
          body: body(namespace, name, record, version),
        }),
      ),
    ),
});
