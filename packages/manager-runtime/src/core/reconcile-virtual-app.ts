import { parseVirtualApp, type VirtualAppStatus } from '@ctrlmesh/route-engine';
import { type ConditionType, conditionsFor, timeOf, type WantedCondition } from './conditions.js';
import { type Desired, nextRouting } from './next-routing.js';
import { podStanding } from './pod-liveness.js';
import { podReport } from './pod-report.js';
import { selectPods, selectPodsOf } from './pod-selection.js';
import { nextRevisionNumber, revisionsToDelete } from './revision-history.js';
import { revisionName } from './revision-name.js';
import {
  acceptedCondition,
  availableCondition,
  degradedCondition,
  progressingCondition,
} from './status-conditions.js';
import { subsetsOf } from './subset-status.js';
import {
  type PodView,
  type RevisionView,
  type Routing,
  sameState,
  type VirtualAppView,
} from './views.js';

/** The manager's settings that the decision depends on. */
export interface ReconcileOptions {
  /** A pod not Ready for this long no longer holds a handover (`--pod-grace-period`). */
  readonly podGracePeriodMs: number;
  /** How many revisions to keep (`--revision-history-limit`). */
  readonly revisionHistoryLimit: number;
}

/** Everything one decision reads: no I/O, no clock but `now`. */
export interface ReconcileInput {
  readonly virtualApp: VirtualAppView;
  /** The ControllerRevisions labelled with the VirtualApp's name. */
  readonly revisions: readonly RevisionView[];
  /** The pods of the VirtualApp's namespace; the decision selects with `spec.selector`. */
  readonly pods: readonly PodView[];
  /** Milliseconds since the epoch. */
  readonly now: number;
  readonly options: ReconcileOptions;
}

/** What to write, in this order: the new revision, the status, then the deletions. */
export interface Reconciliation {
  /** A ControllerRevision to create for a valid spec that has none yet. */
  readonly createRevision?: RevisionView | undefined;
  /** The status to write through the status subresource. */
  readonly status: VirtualAppStatus;
  /** Old revisions to delete (never the current or the previous one). */
  readonly deleteRevisions: readonly string[];
  /** The routing state, when this decision publishes a new one. */
  readonly published?: Routing | undefined;
  /** How long the handover took, when this decision completes one (`Revoking` -> `Settled`). */
  readonly handoverMs?: number | undefined;
  /** Decide again after this long: a grace period runs out then, even if nothing changes. */
  readonly requeueAfterMs?: number | undefined;
}

/**
 * Decides what the manager writes for one VirtualApp (decision 0005): validates the spec with
 * route-engine, names its revision, steps the published routing state (see `nextRouting`), and
 * aggregates the pods' reports into subsets and conditions.
 */
export const reconcileVirtualApp = (input: ReconcileInput): Reconciliation => {
  const { virtualApp, now, options } = input;
  const parsed = parseVirtualApp({
    apiVersion: virtualApp.apiVersion,
    kind: 'VirtualApp',
    metadata: { name: virtualApp.name, namespace: virtualApp.namespace },
    spec: virtualApp.spec,
  });
  const previousStatus = virtualApp.status;
  const routing = previousStatus?.routing;

  let revisions = [...input.revisions];
  let createRevision: RevisionView | undefined;
  let desired: Desired | undefined;
  if (parsed.ok) {
    const name = revisionName(virtualApp.name, virtualApp.spec);
    if (!revisions.some((revision) => revision.name === name)) {
      createRevision = { name, revision: nextRevisionNumber(revisions), spec: virtualApp.spec };
      revisions = [...revisions, createRevision];
    }
    desired = { revision: name, generation: virtualApp.generation };
  }
  const specOf = (name: string | undefined): unknown =>
    name === undefined ? undefined : revisions.find((revision) => revision.name === name)?.spec;

  const publishedAt =
    timeOf(previousStatus?.conditions?.find((c) => c.type === 'Progressing')?.lastTransitionTime) ??
    now;
  // A handover waits for the pods either revision selects: a selector edit must not let a pod
  // that still enforces the previous revision go unheard. A revision deleted by hand falls back
  // to the spec as written, so a missing object never settles a handover for nobody.
  const handoverPods = (state: Routing | undefined): PodView[] =>
    selectPodsOf(
      [state?.currentRevision, state?.previousRevision].map(
        (name) => specOf(name) ?? virtualApp.spec,
      ),
      input.pods,
    );
  const gatePods = handoverPods(routing);
  const next = nextRouting(routing, desired, (state) =>
    gatePods.every((pod) => {
      const standing = podStanding(pod, state, now, options.podGracePeriodMs);
      return standing.kind !== 'live' || standing.reports;
    }),
  );
  const changed = next !== undefined && (routing === undefined || !sameState(routing, next));
  const since = changed ? now : publishedAt;

  // Only what the new status names is kept: the writer deletes after that status is written,
  // so a revision the old status named is never missing from what is published.
  const keep = new Set(
    [next?.currentRevision, next?.previousRevision].filter((name) => name !== undefined),
  );
  const deleteRevisions = revisionsToDelete(revisions, options.revisionHistoryLimit, keep);

  const currentSpec =
    specOf(next?.currentRevision) ?? (next === undefined ? undefined : virtualApp.spec);
  const pods = selectPods(currentSpec, input.pods);
  // During Revoking the pods either revision selects are waited for, so they are named too.
  const reported = next?.phase === 'Revoking' ? handoverPods(next) : pods;
  const standings = reported.map((pod) => ({
    pod,
    standing:
      next === undefined ? undefined : podStanding(pod, next, now, options.podGracePeriodMs),
  }));
  const report = podReport(standings, next, since, now, options.podGracePeriodMs);

  const wanted: WantedCondition[] = [
    acceptedCondition(parsed.ok ? undefined : parsed.problems, virtualApp.generation, next),
    progressingCondition(next, report),
    availableCondition(next, pods),
    degradedCondition(report),
  ];
  const restart = new Set<ConditionType>(changed ? ['Progressing'] : []);
  const status: VirtualAppStatus = {
    observedGeneration: virtualApp.generation,
    ...(next === undefined ? {} : { routing: next }),
    subsets: subsetsOf(currentSpec, pods, next),
    conditions: conditionsFor(
      previousStatus?.conditions,
      wanted,
      virtualApp.generation,
      now,
      restart,
    ),
  };
  const settled =
    routing?.phase === 'Revoking' &&
    next?.phase === 'Settled' &&
    next.currentRevision === routing.currentRevision;
  return {
    createRevision,
    status,
    deleteRevisions,
    published: changed ? next : undefined,
    handoverMs: settled ? Math.max(0, now - publishedAt) : undefined,
    requeueAfterMs: report.wakeAt === undefined ? undefined : Math.max(1, report.wakeAt - now),
  };
};
