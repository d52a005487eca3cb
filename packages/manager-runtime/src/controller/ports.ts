import type { VirtualAppStatus } from '@ctrlmesh/route-engine';
import type { V1ControllerRevision, V1Pod } from '@kubernetes/client-node';
import type { PolicyKind, PolicyStatus } from '../core/policy-status.js';
import type { VirtualAppEvent } from '../core/virtual-app-events.js';
import type { VirtualAppObject } from '../kube/views-of.js';

/** What the reconciler reads: the informers' caches. */
export interface ManagerCache {
  virtualApp(namespace: string, name: string): VirtualAppObject | undefined;
  /** The ControllerRevisions labelled `ctrlmesh.io/virtual-app=<name>` in `namespace`. */
  revisionsOf(namespace: string, name: string): V1ControllerRevision[];
  podsIn(namespace: string): V1Pod[];
}

/** Thrown by a status write when the object changed since it was read. */
export class StatusConflict extends Error {
  constructor(key: string, kind = 'VirtualApp') {
    super(`${kind} ${key} changed since it was read`);
    this.name = 'StatusConflict';
  }
}

/** What the reconciler writes (and the one read it makes past the cache: after a conflict). */
export interface ManagerWriter {
  /** Creates a ControllerRevision; one that exists already is fine (equal names, equal specs). */
  createRevision(body: V1ControllerRevision): Promise<void>;
  /**
   * Replaces `status` through the status subresource, guarded by the object's resourceVersion:
   * throws {@link StatusConflict} when it is stale.
   */
  writeStatus(object: VirtualAppObject, status: VirtualAppStatus): Promise<void>;
  /** Deletes a ControllerRevision; one that is gone already is fine. */
  deleteRevision(namespace: string, name: string): Promise<void>;
  /** Reads the VirtualApp from the apiserver (undefined when deleted). */
  readVirtualApp(namespace: string, name: string): Promise<VirtualAppObject | undefined>;
}

/** Where the leader's Events about VirtualApps go: best effort, a failure is logged and dropped. */
export interface EventRecorder {
  record(object: VirtualAppObject, event: VirtualAppEvent): Promise<void>;
}

/** A TrafficPolicy or FaultInjection as the apiserver serves it (a custom object: plain JSON). */
export interface PolicyObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    generation?: number;
    resourceVersion?: string;
    [key: string]: unknown;
  };
  spec?: unknown;
  status?: PolicyStatus;
}

/** What the policy status controller reads (decision 0006): the informers' caches. */
export interface PolicyCache {
  policy(kind: PolicyKind, namespace: string, name: string): PolicyObject | undefined;
  /** Every TrafficPolicy and FaultInjection in `namespace` (in every namespace when undefined). */
  policiesIn(namespace?: string): { readonly kind: PolicyKind; readonly object: PolicyObject }[];
  /** The VirtualApps in `namespace`: whose pods a policy applies to. */
  virtualAppsIn(namespace: string): VirtualAppObject[];
  /** The ControllerRevisions labelled `ctrlmesh.io/virtual-app=<name>` in `namespace`. */
  revisionsOf(namespace: string, name: string): V1ControllerRevision[];
  podsIn(namespace: string): V1Pod[];
}

/** What the policy status controller writes, and reads past the cache after a conflict. */
export interface PolicyWriter {
  /**
   * Replaces `status` through the status subresource, guarded by the object's resourceVersion:
   * throws {@link StatusConflict} when it is stale.
   */
  writePolicyStatus(kind: PolicyKind, object: PolicyObject, status: PolicyStatus): Promise<void>;
  /** Reads the policy from the apiserver (undefined when deleted). */
  readPolicy(kind: PolicyKind, namespace: string, name: string): Promise<PolicyObject | undefined>;
}
