import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  type CompiledRoutes,
  canonicalJson,
  compileRoutes,
  compileRoutesInSteps,
  type HandoverPhase,
  handoverPodSubset,
  podSubset,
  type RoutingState,
  type VirtualApp,
} from '@ctrlmesh/route-engine';

/**
 * One immutable, compiled view of the routes for this pod. Stages read it once per request
 * (`routes.current()`), so a request never sees half of an update.
 */
export interface RouteSnapshot {
  /**
   * What is enforced: a digest of the VirtualApp's spec for a file (equal specs give equal
   * versions); for published revisions the current one's name when `Settled`, and
   * `<previous>..<current>` while `Revoking`.
   */
  readonly version: string;
  /** Counts swaps in this process (for metrics). */
  readonly generation: number;
  /** The current revision's VirtualApp. */
  readonly app: VirtualApp;
  /** The current revision's compiled routes (`state.current`). */
  readonly routes: CompiledRoutes;
  /**
   * What every decision is made under (`handoverDecide`): a file gives `Settled` with only
   * `current`; the cluster source gives the published phase and both revisions.
   */
  readonly state: RoutingState;
  /** The revisions of `state`, with their VirtualApps (persisted as they are). */
  readonly revisions: SnapshotRevisions;
  /**
   * The subset this pod acts as under `state` (`handoverPodSubset`): `NO_SUBSET` while its
   * subset moves during `Revoking`, so that it owns nothing but public resources.
   */
  readonly subset: string;
  /**
   * The subset whose leader-election lock this pod takes: its subset under the current revision,
   * also while it owns nothing, so that it keeps its lock once the handover settles.
   */
  readonly lockSubset: string;
  readonly leaderElectionName: string | undefined;
  readonly userAgentOrPrefix: string | undefined;
}

/** The version of a VirtualApp's spec: the first 16 hex digits of a SHA-256 of its canonical form. */
export const routeVersion = (app: VirtualApp): string =>
  createHash('sha256').update(canonicalJson(app.spec)).digest('hex').slice(0, 16);

/** One revision a snapshot was made from: its VirtualApp, and its name when it was published. */
export interface SnapshotRevision {
  readonly app: VirtualApp;
  /** The ControllerRevision's name; undefined for a file. */
  readonly name?: string | undefined;
}

/** The revisions and the phase a snapshot enforces (a file: `Settled`, `current` only). */
export interface SnapshotRevisions {
  readonly phase: HandoverPhase;
  readonly current: SnapshotRevision;
  readonly previous?: SnapshotRevision | undefined;
}

/** Overrides from the proxy's own configuration, which win over the VirtualApp's. */
export interface SnapshotOverrides {
  readonly leaderElectionName?: string | undefined;
  readonly userAgentOverride?: string | undefined;
}

// Revoking with the same revision on both sides (or nothing before) revokes nothing.
const handingOver = (revisions: SnapshotRevisions): boolean =>
  revisions.phase === 'Revoking' && revisions.previous !== undefined;

const nameOf = (revision: SnapshotRevision): string => revision.name ?? routeVersion(revision.app);

/** The version of what a snapshot enforces (see {@link RouteSnapshot.version}). */
export const revisionsVersion = (revisions: SnapshotRevisions): string => {
  const { current, previous } = revisions;
  if (current.name === undefined && !handingOver(revisions)) return routeVersion(current.app);
  return handingOver(revisions) && previous !== undefined
    ? `${nameOf(previous)}..${nameOf(current)}`
    : nameOf(current);
};

const snapshotOf = (
  revisions: SnapshotRevisions,
  compiled: { readonly current: CompiledRoutes; readonly previous?: CompiledRoutes | undefined },
  podLabels: Readonly<Record<string, string>>,
  generation: number,
  overrides: SnapshotOverrides,
): RouteSnapshot => {
  const app = revisions.current.app;
  const state: RoutingState = {
    phase: revisions.phase,
    current: compiled.current,
    ...(compiled.previous === undefined ? {} : { previous: compiled.previous }),
    ...(revisions.current.name === undefined ? {} : { currentRevision: revisions.current.name }),
    ...(revisions.previous?.name === undefined
      ? {}
      : { previousRevision: revisions.previous.name }),
  };
  return {
    version: revisionsVersion(revisions),
    generation,
    app,
    routes: compiled.current,
    state,
    revisions,
    subset: handoverPodSubset(state, podLabels),
    lockSubset: podSubset(compiled.current, podLabels),
    leaderElectionName:
      overrides.leaderElectionName ?? app.spec.configuration?.controller?.leaderElectionName,
    userAgentOrPrefix:
      overrides.userAgentOverride ?? app.spec.configuration?.restConfigOverrides?.userAgentOrPrefix,
  };
};

const settled = (app: VirtualApp): SnapshotRevisions => ({
  phase: 'Settled',
  current: { app },
});

/** Compiles a VirtualApp (already validated by `parseVirtualApp`) into a snapshot for a pod. */
export const makeSnapshot = (
  app: VirtualApp,
  podLabels: Readonly<Record<string, string>>,
  generation: number,
  overrides: SnapshotOverrides = {},
): RouteSnapshot =>
  snapshotOf(settled(app), { current: compileRoutes(app) }, podLabels, generation, overrides);

/**
 * Compiles published revisions (each already validated by `parseVirtualApp`) into a snapshot
 * for a pod. The previous revision is compiled only while it matters (`Revoking`).
 */
export const makeStateSnapshot = (
  revisions: SnapshotRevisions,
  podLabels: Readonly<Record<string, string>>,
  generation: number,
  overrides: SnapshotOverrides = {},
): RouteSnapshot => {
  const { current, previous } = revisions;
  const compiled = {
    current: compileRoutes(current.app),
    ...(handingOver(revisions) && previous !== undefined
      ? { previous: compileRoutes(previous.app) }
      : {}),
  };
  return snapshotOf(revisions, compiled, podLabels, generation, overrides);
};

/**
 * How many match entries are compiled between two turns of the event loop. One RE2 compile took
 * 0.15 to 0.3 ms on the project's machine, so a batch holds the loop for a few milliseconds.
 */
export const ENTRIES_PER_TURN = 16;

/**
 * Like {@link makeSnapshot}, but gives the event loop a turn (`turn`, `setImmediate` by default)
 * after every {@link ENTRIES_PER_TURN} compiled match entries, so requests go on being served on
 * the current snapshot while a large VirtualApp compiles (issue 9).
 */
export const prepareSnapshot = (
  app: VirtualApp,
  podLabels: Readonly<Record<string, string>>,
  generation: number,
  overrides: SnapshotOverrides = {},
  turn: () => Promise<unknown> = () => nextTurn(),
): Promise<RouteSnapshot> =>
  prepareStateSnapshot(settled(app), podLabels, generation, overrides, turn);

// Compiles one VirtualApp, giving the event loop a turn every ENTRIES_PER_TURN entries.
const compileStepping = async (
  app: VirtualApp,
  turn: () => Promise<unknown>,
): Promise<CompiledRoutes> => {
  const steps = compileRoutesInSteps(app);
  for (let done = 0; ; done += 1) {
    const step = steps.next();
    if (step.done === true) return step.value;
    if ((done + 1) % ENTRIES_PER_TURN === 0) await turn();
  }
};

/** Like {@link makeStateSnapshot}, compiling in steps as {@link prepareSnapshot} does. */
export const prepareStateSnapshot = async (
  revisions: SnapshotRevisions,
  podLabels: Readonly<Record<string, string>>,
  generation: number,
  overrides: SnapshotOverrides = {},
  turn: () => Promise<unknown> = () => nextTurn(),
): Promise<RouteSnapshot> => {
  const { current, previous } = revisions;
  const compiled = {
    current: await compileStepping(current.app, turn),
    ...(handingOver(revisions) && previous !== undefined
      ? { previous: await compileStepping(previous.app, turn) }
      : {}),
  };
  return snapshotOf(revisions, compiled, podLabels, generation, overrides);
};

/** The names of the two revisions a `Revoking` snapshot hands over between, for messages. */
export const handoverNames = (
  snapshot: RouteSnapshot,
): { readonly previous: string; readonly current: string } => {
  const { current, previous } = snapshot.revisions;
  return { previous: nameOf(previous ?? current), current: nameOf(current) };
};
