import {
  compileRoutes,
  fromStructuredSelector,
  matchesLabels,
  type Problem,
  parseVirtualApp,
  podSubset,
  type StructuredLabelSelector,
  type VirtualApp,
  type VirtualAppStatus,
} from '@ctrlmesh/route-engine';
import { type ConditionType, conditionsFor, timeOf, type WantedCondition } from './conditions.js';
import { durationText } from './duration-text.js';
import { type Desired, nextRouting } from './next-routing.js';
import { isReady, type PodStanding, podStanding, reportsState } from './pod-liveness.js';
import { nextRevisionNumber, revisionsToDelete } from './revision-history.js';
import { revisionName } from './revision-name.js';
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
    accepted(parsed.ok ? undefined : parsed.problems, virtualApp.generation, next),
    progressing(next, report),
    available(next, pods),
    degraded(report),
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

/** The pods any of `specs` selects, each once, by name. */
const selectPodsOf = (specs: readonly unknown[], pods: readonly PodView[]): PodView[] =>
  [
    ...new Map(
      specs.flatMap((spec) => selectPods(spec, pods)).map((pod) => [pod.name, pod]),
    ).values(),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

const selectPods = (spec: unknown, pods: readonly PodView[]): PodView[] => {
  const selector = (spec as { selector?: StructuredLabelSelector } | undefined)?.selector;
  if (selector === undefined) return [];
  const parsed = fromStructuredSelector(selector);
  if (!parsed.ok) return [];
  return pods
    .filter((pod) => matchesLabels(parsed.value, pod.labels))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
};

interface PodReport {
  /** Live pods that do not report the published state yet, with how long it has been out. */
  readonly waiting: readonly string[];
  readonly lagging: readonly string[];
  readonly notReady: readonly string[];
  readonly gone: readonly string[];
  readonly live: number;
  readonly reporting: number;
  readonly lagMs: number;
  readonly wakeAt?: number | undefined;
}

const podReport = (
  standings: readonly { pod: PodView; standing: PodStanding | undefined }[],
  state: Routing | undefined,
  since: number,
  now: number,
  graceMs: number,
): PodReport => {
  const waiting: string[] = [];
  const lagging: string[] = [];
  const notReady: string[] = [];
  const gone: string[] = [];
  let [live, reporting] = [0, 0];
  let wakeAt: number | undefined;
  const wake = (at: number) => {
    if (at > now && (wakeAt === undefined || at < wakeAt)) wakeAt = at;
  };
  const lagMs = Math.max(0, now - since);
  for (const { pod, standing } of standings) {
    if (standing === undefined || state === undefined) continue;
    if (standing.kind === 'gone') gone.push(pod.name);
    else if (standing.kind === 'notReady') {
      notReady.push(`${pod.name} has not been Ready for ${durationText(standing.forMs)}`);
    } else {
      live += 1;
      if (standing.notReadyUntil !== undefined) wake(standing.notReadyUntil);
      if (standing.reports) reporting += 1;
      else {
        waiting.push(pod.name);
        if (lagMs >= graceMs) {
          lagging.push(
            `${pod.name} has not applied revision ${state.currentRevision} (${state.phase}) for ${durationText(lagMs)}`,
          );
        } else wake(since + graceMs);
      }
    }
  }
  return { waiting, lagging, notReady, gone, live, reporting, lagMs, wakeAt };
};

const problemsText = (problems: readonly Problem[]): string =>
  problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');

const accepted = (
  problems: readonly Problem[] | undefined,
  generation: number,
  routing: Routing | undefined,
): WantedCondition => {
  if (problems === undefined) {
    return {
      type: 'Accepted',
      status: 'True',
      reason: 'Valid',
      message: `generation ${generation} is published as revision ${routing?.currentRevision}`,
    };
  }
  const kept =
    routing === undefined
      ? 'nothing is published until the spec is fixed'
      : `revision ${routing.currentRevision} stays published`;
  return {
    type: 'Accepted',
    status: 'False',
    reason: 'InvalidSpec',
    message: `generation ${generation} is not published (${kept}): ${problemsText(problems)}`,
  };
};

const progressing = (routing: Routing | undefined, report: PodReport): WantedCondition => {
  if (routing === undefined) {
    return {
      type: 'Progressing',
      status: 'False',
      reason: 'NothingPublished',
      message: 'no valid spec has been published yet',
    };
  }
  const ignored =
    report.gone.length + report.notReady.length === 0
      ? ''
      : `; not waiting for ${[...report.gone.map((name) => `${name} (being deleted)`), ...report.notReady].join(', ')}`;
  if (routing.phase === 'Revoking') {
    const waiting = report.waiting.length === 0 ? '' : `; waiting for ${report.waiting.join(', ')}`;
    return {
      type: 'Progressing',
      status: 'True',
      reason: 'Revoking',
      message: `revision ${routing.currentRevision} replaces ${routing.previousRevision}: ${report.reporting} of ${report.live} live pods applied Revoking${waiting}${ignored}`,
    };
  }
  return {
    type: 'Progressing',
    status: 'False',
    reason: 'Settled',
    message: `revision ${routing.currentRevision} is settled: ${report.reporting} of ${report.live} live pods applied it${ignored}`,
  };
};

const available = (routing: Routing | undefined, pods: readonly PodView[]): WantedCondition => {
  if (routing === undefined) {
    return {
      type: 'Available',
      status: 'False',
      reason: 'NoRevision',
      message: 'no revision is published: fix the spec (see condition Accepted)',
    };
  }
  const ready = pods.filter(isReady).length;
  if (ready === 0) {
    return {
      type: 'Available',
      status: 'False',
      reason: 'NoReadyPods',
      message: `none of the ${pods.length} pods that spec.selector selects is Ready`,
    };
  }
  return {
    type: 'Available',
    status: 'True',
    reason: 'PodsReady',
    message: `${ready} of ${pods.length} pods are Ready`,
  };
};

const degraded = (report: PodReport): WantedCondition => {
  if (report.lagging.length > 0) {
    return {
      type: 'Degraded',
      status: 'True',
      reason: 'PodsNotReporting',
      message: [...report.lagging, ...report.notReady].join('; '),
    };
  }
  if (report.notReady.length > 0) {
    return {
      type: 'Degraded',
      status: 'True',
      reason: 'PodsNotReady',
      message: `${report.notReady.join('; ')}; they no longer hold a handover`,
    };
  }
  return {
    type: 'Degraded',
    status: 'False',
    reason: 'AsExpected',
    message: 'every live pod reports within the grace period',
  };
};

const subsetsOf = (
  spec: unknown,
  pods: readonly PodView[],
  routing: Routing | undefined,
): NonNullable<VirtualAppStatus['subsets']> => {
  const parsed = parseVirtualApp({ apiVersion: 'ctrlmesh.io/v1alpha1', kind: 'VirtualApp', spec });
  if (!parsed.ok || routing === undefined) return [];
  const routes = compileRoutes(parsed.value as VirtualApp);
  const counts = new Map<string, { pods: number; readyPods: number; updatedPods: number }>(
    routes.subsets.map((subset) => [subset.name, { pods: 0, readyPods: 0, updatedPods: 0 }]),
  );
  for (const pod of pods) {
    const name = podSubset(routes, pod.labels);
    const count = counts.get(name) ?? { pods: 0, readyPods: 0, updatedPods: 0 };
    count.pods += 1;
    if (isReady(pod)) count.readyPods += 1;
    if (reportsState(pod, routing)) count.updatedPods += 1;
    counts.set(name, count);
  }
  return [...counts].map(([name, count]) => ({ name, ...count }));
};
