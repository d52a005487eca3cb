import type { VirtualAppStatus } from '@ctrlmesh/route-engine';
import { POLICY_STATE_CONDITION } from '@ctrlmesh/traffic-policy';
import type {
  V1ControllerRevision,
  V1OwnerReference,
  V1Pod,
  V1PodCondition,
} from '@kubernetes/client-node';
import {
  type ConditionView,
  type PodView,
  type RevisionView,
  ROUTES_APPLIED,
  VIRTUAL_APP_LABEL,
  type VirtualAppView,
} from '../core/views.js';

/** A VirtualApp object as the apiserver serves it (a custom object: plain JSON). */
export interface VirtualAppObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    [key: string]: unknown;
  };
  spec?: unknown;
  status?: VirtualAppStatus;
}

/**
 * client-node turns times into `Date` in what it lists, while watch events keep the server's
 * text: either becomes milliseconds here.
 */
const msOf = (value: Date | string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
};

const conditionView = (condition: V1PodCondition | undefined): ConditionView | undefined =>
  condition === undefined
    ? undefined
    : {
        status: condition.status as ConditionView['status'],
        reason: condition.reason,
        message: condition.message,
        since: msOf(condition.lastTransitionTime as Date | string | undefined),
      };

/** What the core reads of a pod: labels, Ready, deletion and its proxy's report. */
export const podViewOf = (pod: V1Pod): PodView => {
  const conditions = pod.status?.conditions ?? [];
  return {
    name: pod.metadata?.name ?? '',
    labels: pod.metadata?.labels ?? {},
    createdAt: msOf(pod.metadata?.creationTimestamp as Date | string | undefined) ?? 0,
    deleting:
      pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null,
    ready: conditionView(conditions.find((c) => c.type === 'Ready')),
    routesApplied: conditionView(conditions.find((c) => c.type === ROUTES_APPLIED)),
    policyState: conditions.find((c) => c.type === POLICY_STATE_CONDITION)?.message,
  };
};

/** What the core reads of a ControllerRevision: its name, number and published spec. */
export const revisionViewOf = (revision: V1ControllerRevision): RevisionView => ({
  name: revision.metadata?.name ?? '',
  revision: revision.revision,
  spec: (revision.data as { spec?: unknown } | undefined)?.spec,
});

/** What the core reads of a VirtualApp. */
export const virtualAppViewOf = (object: VirtualAppObject): VirtualAppView => ({
  apiVersion: object.apiVersion ?? 'ctrlmesh.io/v1alpha1',
  name: object.metadata?.name ?? '',
  namespace: object.metadata?.namespace ?? '',
  uid: object.metadata?.uid ?? '',
  generation: object.metadata?.generation ?? 0,
  labels: object.metadata?.labels as Record<string, string> | undefined,
  spec: object.spec,
  status: object.status,
});

/**
 * The ControllerRevision that publishes `revision` of `virtualApp` (decision 0005): labelled with
 * the VirtualApp's name and owned by it, so that deleting the VirtualApp collects its history.
 */
export const controllerRevisionFor = (
  virtualApp: VirtualAppView,
  revision: RevisionView,
): V1ControllerRevision => {
  const owner: V1OwnerReference = {
    apiVersion: virtualApp.apiVersion,
    kind: 'VirtualApp',
    name: virtualApp.name,
    uid: virtualApp.uid,
    controller: true,
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revision.name,
      namespace: virtualApp.namespace,
      labels: { [VIRTUAL_APP_LABEL]: virtualApp.name },
      ownerReferences: [owner],
    },
    data: { spec: revision.spec },
    revision: revision.revision,
  };
};
