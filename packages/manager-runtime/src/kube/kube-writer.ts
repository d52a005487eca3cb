import { ApiException, type AppsV1Api, type CustomObjectsApi } from '@kubernetes/client-node';
import { type ManagerWriter, StatusConflict } from '../controller/ports.js';
import type { VirtualAppObject } from './views-of.js';

/** Where VirtualApps are served. */
export const VIRTUAL_APPS = { group: 'ctrlmesh.io', version: 'v1alpha1', plural: 'virtualapps' };

const codeOf = (error: unknown): number | undefined =>
  error instanceof ApiException ? error.code : undefined;

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
  async writeStatus(object, status) {
    const namespace = object.metadata?.namespace ?? '';
    const name = object.metadata?.name ?? '';
    try {
      // A PUT carries metadata.resourceVersion: the apiserver refuses it (409) when the object
      // changed since our read, so a stale decision is never written.
      await custom.replaceNamespacedCustomObjectStatus({
        ...VIRTUAL_APPS,
        namespace,
        name,
        body: { ...object, status },
      });
    } catch (error) {
      if (codeOf(error) === 409) throw new StatusConflict(`${namespace}/${name}`);
      throw error;
    }
  },
  async deleteRevision(namespace, name) {
    try {
      await apps.deleteNamespacedControllerRevision({ namespace, name });
    } catch (error) {
      if (codeOf(error) !== 404) throw error;
    }
  },
  async readVirtualApp(namespace, name) {
    try {
      return (await custom.getNamespacedCustomObject({
        ...VIRTUAL_APPS,
        namespace,
        name,
      })) as VirtualAppObject;
    } catch (error) {
      if (codeOf(error) === 404) return undefined;
      throw error;
    }
  },
});
