import { ApiException, type AppsV1Api, type CustomObjectsApi } from '@kubernetes/client-node';
import {
  type ManagerWriter,
  type PolicyObject,
  type PolicyWriter,
  StatusConflict,
} from '../controller/ports.js';
import type { PolicyKind } from '../core/policy-status.js';
import type { VirtualAppObject } from './views-of.js';

/** Where VirtualApps are served. */
export const VIRTUAL_APPS = { group: 'ctrlmesh.io', version: 'v1alpha1', plural: 'virtualapps' };

/** Where TrafficPolicies and FaultInjections are served. */
export const POLICY_RESOURCES: Record<PolicyKind, typeof VIRTUAL_APPS> = {
  TrafficPolicy: { group: 'ctrlmesh.io', version: 'v1alpha1', plural: 'trafficpolicies' },
  FaultInjection: { group: 'ctrlmesh.io', version: 'v1alpha1', plural: 'faultinjections' },
};

const codeOf = (error: unknown): number | undefined =>
  error instanceof ApiException ? error.code : undefined;

interface CustomObject {
  metadata?: { name?: string; namespace?: string };
}

/**
 * Replaces a custom object's `status` with a PUT that carries its `metadata.resourceVersion`:
 * the apiserver refuses it (409) when the object changed since our read, so a stale decision is
 * never written ({@link StatusConflict}).
 */
const replaceStatus = async (
  custom: CustomObjectsApi,
  resource: typeof VIRTUAL_APPS,
  kind: string,
  object: CustomObject,
  status: unknown,
): Promise<void> => {
  const namespace = object.metadata?.namespace ?? '';
  const name = object.metadata?.name ?? '';
  try {
    await custom.replaceNamespacedCustomObjectStatus({
      ...resource,
      namespace,
      name,
      body: { ...object, status },
    });
  } catch (error) {
    if (codeOf(error) === 409) throw new StatusConflict(`${namespace}/${name}`, kind);
    throw error;
  }
};

/** Reads a custom object; undefined when it is gone. */
const readObject = async <T>(
  custom: CustomObjectsApi,
  resource: typeof VIRTUAL_APPS,
  namespace: string,
  name: string,
): Promise<T | undefined> => {
  try {
    return (await custom.getNamespacedCustomObject({ ...resource, namespace, name })) as T;
  } catch (error) {
    if (codeOf(error) === 404) return undefined;
    throw error;
  }
};

/** The policy status controller's writes through client-node (see {@link PolicyWriter}). */
export const kubePolicyWriter = (custom: CustomObjectsApi): PolicyWriter => ({
  writePolicyStatus: (kind, object, status) =>
    replaceStatus(custom, POLICY_RESOURCES[kind], kind, object, status),
  readPolicy: (kind, namespace, name) =>
    readObject<PolicyObject>(custom, POLICY_RESOURCES[kind], namespace, name),
});

/** The manager's writes through client-node (see {@link ManagerWriter}). */
export const kubeWriter = (custom: CustomObjectsApi, apps: AppsV1Api): ManagerWriter => ({
  async createRevision(body) {
    try {
      await apps.createNamespacedControllerRevision({
        namespace: body.metadata?.namespace ?? '',
        body,
      });
    } catch (error) {
      // Equal names are equal specs: another leader, or our last attempt, created it.
      if (codeOf(error) !== 409) throw error;
    }
  },
  writeStatus: (object, status) =>
    replaceStatus(custom, VIRTUAL_APPS, 'VirtualApp', object, status),
  async deleteRevision(namespace, name) {
    try {
      await apps.deleteNamespacedControllerRevision({ namespace, name });
    } catch (error) {
      if (codeOf(error) !== 404) throw error;
    }
  },
  readVirtualApp: (namespace, name) =>
    readObject<VirtualAppObject>(custom, VIRTUAL_APPS, namespace, name),
});
