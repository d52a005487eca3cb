import { fromStructuredSelector, type Labels, matchesLabels } from '@ctrlmesh/route-engine';

/** The condition each proxy keeps on its own pod (decision 0005). */
export const ROUTES_APPLIED = 'ctrlmesh.io/RoutesApplied';

/** A condition as Kubernetes objects carry it. */
export interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string | undefined;
  readonly message?: string | undefined;
}

/** The fields of a VirtualApp that status reads, as the manager writes them. */
export interface StoredVirtualApp {
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly generation?: number;
  };
  readonly spec?: { readonly selector?: unknown };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly routing?: {
      readonly currentRevision: string;
      readonly previousRevision?: string;
      readonly phase: string;
      readonly observedGeneration?: number;
    };
    readonly subsets?: readonly SubsetCounts[];
    readonly conditions?: readonly Condition[];
  };
}

/** The fields of a Pod that status reads. */
export interface StoredPod {
  readonly metadata: { readonly name: string; readonly labels?: Labels | null };
  readonly status?: { readonly conditions?: readonly Condition[] | null };
}

/** `status.subsets[]`: how many pods a subset has, how many are Ready and up to date. */
export interface SubsetCounts {
  readonly name: string;
  readonly pods: number;
  readonly readyPods: number;
  readonly updatedPods: number;
}

/** A condition, and whether its status is the healthy one for its type. */
export interface ConditionReport extends Condition {
  readonly healthy: boolean;
}

/** A pod whose proxy does not report the published revision and phase. */
export interface PodBehind {
  readonly name: string;
  readonly ready: boolean;
  /** Its `ctrlmesh.io/RoutesApplied` condition; absent when its proxy reported nothing. */
  readonly routesApplied?: Condition | undefined;
}

/** What `ctrlmesh status` says about one VirtualApp. */
export interface StatusReport {
  readonly namespace: string;
  readonly name: string;
  readonly generation?: number | undefined;
  readonly observedGeneration?: number | undefined;
  readonly routing?: NonNullable<StoredVirtualApp['status']>['routing'];
  readonly subsets: readonly SubsetCounts[];
  readonly conditions: readonly ConditionReport[];
  /** The pods the VirtualApp selects. */
  readonly pods: number;
  readonly podsBehind: readonly PodBehind[];
  /** Settled, every condition healthy, every pod on the published state; else `issues` says why. */
  readonly settled: boolean;
  readonly issues: readonly string[];
}

// Conditions whose healthy status is False (they report trouble or work in progress).
const HEALTHY_WHEN_FALSE = new Set(['Progressing', 'Degraded']);

/** Whether a condition's status is the healthy one: True, or False for Progressing and Degraded. */
export const conditionHealthy = (condition: Condition): boolean =>
  condition.status === (HEALTHY_WHEN_FALSE.has(condition.type) ? 'False' : 'True');

const conditionOf = (pod: StoredPod, type: string): Condition | undefined =>
  (pod.status?.conditions ?? []).find((condition) => condition.type === type);

/** The pods of `pods` a VirtualApp's `spec.selector` selects (none when it cannot be read). */
export const selectedPods = (app: StoredVirtualApp, pods: readonly StoredPod[]): StoredPod[] => {
  const selector = fromStructuredSelector(
    app.spec?.selector as Parameters<typeof fromStructuredSelector>[0],
  );
  if (!selector.ok) return [];
  return pods.filter((pod) => matchesLabels(selector.value, pod.metadata.labels ?? {}));
};

/**
 * Sums up a VirtualApp and the pods of its namespace: its published routing state, subsets and
 * conditions as the manager wrote them, and the selected pods whose RoutesApplied condition is
 * not `True` with reason = the phase and message = the current revision.
 */
export const statusReport = (app: StoredVirtualApp, pods: readonly StoredPod[]): StatusReport => {
  const status = app.status ?? {};
  const routing = status.routing;
  const selected = selectedPods(app, pods);
  const podsBehind: PodBehind[] = [];
  for (const pod of selected) {
    const applied = conditionOf(pod, ROUTES_APPLIED);
    const onState =
      routing !== undefined &&
      applied?.status === 'True' &&
      applied.reason === routing.phase &&
      applied.message === routing.currentRevision;
    if (!onState) {
      podsBehind.push({
        name: pod.metadata.name,
        ready: conditionOf(pod, 'Ready')?.status === 'True',
        routesApplied: applied,
      });
    }
  }
  const conditions = (status.conditions ?? []).map((condition) => ({
    type: condition.type,
    status: condition.status,
    ...(condition.reason === undefined ? {} : { reason: condition.reason }),
    ...(condition.message === undefined ? {} : { message: condition.message }),
    healthy: conditionHealthy(condition),
  }));
  const issues: string[] = [];
  if (routing === undefined) issues.push('no revision published yet');
  else if (routing.phase !== 'Settled') issues.push(`phase ${routing.phase}`);
  if (
    app.metadata.generation !== undefined &&
    status.observedGeneration !== undefined &&
    status.observedGeneration < app.metadata.generation
  ) {
    issues.push(`generation ${app.metadata.generation} not yet observed`);
  }
  for (const condition of conditions) {
    if (!condition.healthy) issues.push(`${condition.type}=${condition.status}`);
  }
  if (podsBehind.length > 0) {
    issues.push(`${podsBehind.length} of ${selected.length} pods not on the published state`);
  }
  return {
    namespace: app.metadata.namespace ?? '',
    name: app.metadata.name,
    generation: app.metadata.generation,
    observedGeneration: status.observedGeneration,
    routing,
    subsets: status.subsets ?? [],
    conditions,
    pods: selected.length,
    podsBehind,
    settled: issues.length === 0,
    issues,
  };
};
