import {
  type CompiledRoutes,
  compileRoutes,
  DEFAULT_SUBSET,
  handoverDecide,
  parseVirtualApp,
  type RoutingState,
  type Target,
  type VirtualApp,
} from '@ctrlmesh/route-engine';
import { arbVirtualApp, arbWorld } from '@ctrlmesh/route-engine/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aPod, aSpec, aVirtualApp, reporting, T0 } from '../test-support/builders.js';
import { podStanding } from './pod-liveness.js';
import { reconcileVirtualApp } from './reconcile-virtual-app.js';
import { revisionName } from './revision-name.js';
import type { PodView, RevisionView, Routing, VirtualAppView } from './views.js';

const GRACE = 30_000;

/** What happens between two reconciles: a spec edit (valid or not), a proxy applying the published state, time passing. */
type Step =
  | { readonly kind: 'edit'; readonly app: number }
  | { readonly kind: 'invalidEdit' }
  | { readonly kind: 'apply'; readonly pod: number }
  | { readonly kind: 'tick'; readonly ms: number };

const arbStep = (apps: number, pods: number): fc.Arbitrary<Step> =>
  fc.oneof(
    fc.record({ kind: fc.constant('edit' as const), app: fc.nat({ max: apps - 1 }) }),
    fc.constant({ kind: 'invalidEdit' as const }),
    fc.record({ kind: fc.constant('apply' as const), pod: fc.nat({ max: pods - 1 }) }),
    fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 40_000 }) }),
  );

const arbScenario = fc
  .record({
    apps: fc.array(arbVirtualApp(), { minLength: 1, maxLength: 4 }),
    pods: fc.integer({ min: 1, max: 3 }),
    limit: fc.integer({ min: 0, max: 4 }),
  })
  .chain(({ apps, pods, limit }) =>
    fc.record({
      apps: fc.constant(apps),
      pods: fc.constant(pods),
      limit: fc.constant(limit),
      steps: fc.array(arbStep(apps.length, pods), { minLength: 1, maxLength: 30 }),
      world: arbWorld(),
    }),
  );

/** Every subset name any spec declares, the default subset, and one nobody declares. */
const universe = (apps: readonly VirtualApp[]): string[] => [
  ...new Set(apps.flatMap((app) => (app.spec.subsets ?? []).map((subset) => subset.name))),
  DEFAULT_SUBSET,
  'removed-subset',
];

/**
 * Do two states agree on who may see `target`? Their seers together are one subset, or neither
 * gives it to one subset alone (public to all, or to nobody): as route-engine's handover test.
 */
const compatible = (a: string[], b: string[]): boolean =>
  new Set([...a, ...b]).size <= 1 || !(a.length === 1 || b.length === 1);

describe('reconcileVirtualApp over a sequence of edits and reports', () => {
  it('never lets the published states, or the states live pods enforce, give a target two owners', () => {
    fc.assert(
      fc.property(arbScenario, ({ apps, pods: podCount, limit, steps, world }) => {
        const compiled = new Map<string, CompiledRoutes>();
        const routesOf = (revision: string, revisions: readonly RevisionView[]) => {
          let routes = compiled.get(revision);
          if (routes === undefined) {
            const spec = revisions.find((r) => r.name === revision)?.spec;
            const parsed = parseVirtualApp({
              apiVersion: 'ctrlmesh.io/v1alpha1',
              kind: 'VirtualApp',
              spec,
            });
            if (!parsed.ok) throw new Error(`revision ${revision} holds an invalid spec`);
            routes = compileRoutes(parsed.value);
            compiled.set(revision, routes);
          }
          return routes;
        };
        const subsets = universe(apps);
        let revisions: RevisionView[] = [];
        const stateOf = (routing: Routing): RoutingState => ({
          phase: routing.phase,
          current: routesOf(routing.currentRevision, revisions),
          ...(routing.previousRevision === undefined
            ? {}
            : { previous: routesOf(routing.previousRevision, revisions) }),
        });
        const seers = (routing: Routing, target: Target) =>
          subsets.filter(
            (subset) => handoverDecide(stateOf(routing), target, subset).kind === 'allowed',
          );

        let virtualApp: VirtualAppView = aVirtualApp({ spec: apps[0]!.spec, uid: 'u' });
        let pods: PodView[] = Array.from({ length: podCount }, (_, i) =>
          aPod(`p${i}`, { labels: { app: 'random-operator' } }),
        );
        const enforced: (Routing | undefined)[] = pods.map(() => undefined);
        const published: Routing[] = [];
        let now = T0;

        const reconcile = () => {
          const before = virtualApp.status?.routing;
          const result = reconcileVirtualApp({
            virtualApp,
            revisions,
            pods,
            now,
            options: { podGracePeriodMs: GRACE, revisionHistoryLimit: limit },
          });
          if (result.createRevision !== undefined)
            revisions = [...revisions, result.createRevision];
          // The published states are compiled before their revisions may be deleted.
          const next = result.status.routing;
          if (next !== undefined) stateOf(next);
          revisions = revisions.filter((r) => !result.deleteRevisions.includes(r.name));
          virtualApp = { ...virtualApp, status: result.status };
          // The history stays bounded and never loses what is published.
          expect(revisions.length).toBeLessThanOrEqual(Math.max(limit, 2));
          for (const name of [next?.currentRevision, next?.previousRevision]) {
            if (name !== undefined) expect(revisions.map((r) => r.name)).toContain(name);
          }
          // The manager never advances from Revoking while a live pod lags.
          if (
            before?.phase === 'Revoking' &&
            next?.phase === 'Settled' &&
            next.currentRevision === before.currentRevision
          ) {
            enforced.forEach((state) => {
              expect(state).toMatchObject({
                phase: 'Revoking',
                currentRevision: before.currentRevision,
              });
            });
          }
          if (
            next !== undefined &&
            (published.length === 0 ||
              published.at(-1)!.phase !== next.phase ||
              published.at(-1)!.currentRevision !== next.currentRevision ||
              published.at(-1)!.previousRevision !== next.previousRevision)
          ) {
            published.push(next);
          }
          // At this instant, the published state and every pod's: no target has two owners.
          const live = [...new Set([next, ...enforced].filter((s) => s !== undefined))];
          for (const target of world.targets) {
            const seen = live.map((state) => seers(state, target));
            for (let i = 0; i < seen.length; i += 1) {
              for (let j = i + 1; j < seen.length; j += 1) {
                expect(compatible(seen[i]!, seen[j]!)).toBe(true);
              }
            }
          }
        };

        reconcile();
        for (const step of steps) {
          if (step.kind === 'edit' || step.kind === 'invalidEdit') {
            const spec =
              step.kind === 'edit' ? apps[step.app]!.spec : { ...apps[0]!.spec, selector: {} };
            virtualApp = { ...virtualApp, spec, generation: virtualApp.generation + 1 };
          } else if (step.kind === 'apply') {
            const state = virtualApp.status?.routing;
            if (state !== undefined) {
              enforced[step.pod] = state;
              pods = pods.map((pod, i) => (i === step.pod ? reporting(pod, state) : pod));
            }
          } else now += step.ms;
          reconcile();
        }

        // Neighbouring published states never give a target two owners.
        for (let i = 1; i < published.length; i += 1) {
          for (const target of world.targets) {
            expect(compatible(seers(published[i - 1]!, target), seers(published[i]!, target))).toBe(
              true,
            );
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

const SPEC_A = aSpec(['canary-a']);
const SPEC_B = aSpec(['canary-b']);
const A = revisionName('web', SPEC_A);
const B = revisionName('web', SPEC_B);

const arbReport = fc.constantFrom<Routing | undefined>(
  undefined,
  { currentRevision: B, previousRevision: A, phase: 'Revoking', observedGeneration: 2 },
  { currentRevision: B, previousRevision: A, phase: 'Settled', observedGeneration: 2 },
  { currentRevision: A, phase: 'Settled', observedGeneration: 1 },
);

const arbPod = (index: number): fc.Arbitrary<PodView> =>
  fc
    .record({
      report: arbReport,
      ready: fc.boolean(),
      notReadyFor: fc.integer({ min: 0, max: 2 * GRACE }),
      deleting: fc.boolean(),
      selected: fc.boolean(),
    })
    .map(({ report, ready, notReadyFor, deleting, selected }) => {
      const pod = aPod(`p${index}`, {
        deleting,
        ready: { status: ready ? 'True' : 'False', since: T0 - notReadyFor },
        labels: { app: selected ? 'web' : 'other' },
      });
      return report === undefined ? pod : reporting(pod, report);
    });

describe('reconcileVirtualApp during a handover', () => {
  it('settles exactly when every live selected pod reports the Revoking state', () => {
    const revoking: Routing = {
      currentRevision: B,
      previousRevision: A,
      phase: 'Revoking',
      observedGeneration: 2,
    };
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 5 })
          .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbPod(i)))),
        fc.boolean(),
        (pods, invalid) => {
          const result = reconcileVirtualApp({
            virtualApp: aVirtualApp({
              generation: 2,
              spec: invalid ? { ...SPEC_B, selector: {} } : SPEC_B,
              status: { routing: revoking },
            }),
            revisions: [
              { name: A, revision: 1, spec: SPEC_A },
              { name: B, revision: 2, spec: SPEC_B },
            ],
            pods,
            now: T0,
            options: { podGracePeriodMs: GRACE, revisionHistoryLimit: 10 },
          });
          const lagging = pods.filter((pod) => {
            const standing = podStanding(pod, revoking, T0, GRACE);
            return pod.labels.app === 'web' && standing.kind === 'live' && !standing.reports;
          });
          expect(result.status.routing?.phase).toBe(lagging.length === 0 ? 'Settled' : 'Revoking');
          expect(result.status.routing?.currentRevision).toBe(B);
          const progressing = result.status.conditions?.find((c) => c.type === 'Progressing');
          for (const pod of lagging) expect(progressing?.message).toContain(pod.name);
        },
      ),
      { numRuns: 300 },
    );
  });
});
