import type { VirtualAppRouting, VirtualAppStatus } from '@ctrlmesh/route-engine';

/** The pod condition a proxy sets on its own pod (decision 0005). */
export const ROUTES_APPLIED = 'ctrlmesh.io/RoutesApplied';

/** The label that ties a ControllerRevision to its VirtualApp. */
export const VIRTUAL_APP_LABEL = 'ctrlmesh.io/virtual-app';

/** A condition as the core reads it; times are milliseconds since the epoch. */
export interface ConditionView {
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason?: string | undefined;
  readonly message?: string | undefined;
  /** When the condition last changed status; undefined when the object does not say. */
  readonly since?: number | undefined;
}

/** What the manager needs to know about one pod. */
export interface PodView {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `metadata.creationTimestamp`: how long a pod that never became Ready has been waiting. */
  readonly createdAt: number;
  /** The pod has a `deletionTimestamp`: it is going away and does not hold a handover. */
  readonly deleting: boolean;
  /** The `Ready` condition; undefined while the kubelet has not set it. */
  readonly ready?: ConditionView | undefined;
  /** The `ctrlmesh.io/RoutesApplied` condition its proxy sets. */
  readonly routesApplied?: ConditionView | undefined;
  /** The message of the `ctrlmesh.io/TrafficPolicyState` condition its proxy sets (decision 0006). */
  readonly policyState?: string | undefined;
}

/** One of the VirtualApp's ControllerRevisions (label `ctrlmesh.io/virtual-app`). */
export interface RevisionView {
  readonly name: string;
  readonly revision: number;
  /** `data.spec`: the spec this revision publishes. */
  readonly spec: unknown;
}

/** The VirtualApp as the core reads it: identity, the spec as written, and our last status. */
export interface VirtualAppView {
  readonly apiVersion: string;
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly generation: number;
  /** `metadata.labels`: what TrafficPolicies and FaultInjections select VirtualApps by. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
  /** Unvalidated: the core validates it with route-engine before it publishes anything. */
  readonly spec: unknown;
  readonly status?: VirtualAppStatus | undefined;
}

/** A routing state as `status.routing` says it. */
export type Routing = VirtualAppRouting;

/** The states a proxy reports and the manager publishes, without the generation. */
export const sameState = (a: Routing, b: Routing): boolean =>
  a.phase === b.phase &&
  a.currentRevision === b.currentRevision &&
  a.previousRevision === b.previousRevision;
