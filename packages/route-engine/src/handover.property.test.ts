import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CompiledRoutes, compileRoutes } from './compiled-routes.js';
import { decide } from './decision.js';
import { DEFAULT_SUBSET } from './default-subset.js';
import { explainHandover } from './explain-handover.js';
import { handoverDecide, handoverOwner, type RoutingState } from './handover.js';
import { owner } from './ownership.js';
import type { Target } from './target.js';
import { mayBe, seersOf } from './test-support/ownership-checks.js';
import { arbVirtualApp, arbWorld } from './testing/index.js';

/**
 * Revisions as the manager publishes them: random VirtualApps, where a revision sometimes
 * repeats the previous one's spec (compiled anew), as a spec edit that moves nothing does.
 */
const arbRevisions = (minLength: number, maxLength: number) =>
  fc
    .array(fc.record({ app: arbVirtualApp(), repeat: fc.boolean() }), { minLength, maxLength })
    .map((drafts) => {
      const apps = drafts.map(({ app }) => app);
      drafts.forEach(({ repeat }, i) => {
        if (repeat && i > 0) apps[i] = apps[i - 1]!;
      });
      return apps.map((app, i) => ({ name: `rev-${i}`, routes: compileRoutes(app) }));
    });

type Revision = { readonly name: string; readonly routes: CompiledRoutes };

/**
 * The states the manager publishes for a sequence of revisions (DESIGN §6): the first revision
 * (Revoking with nothing to revoke, then Settled), then for each next one Revoking from the
 * previous and Settled.
 */
const published = (revisions: readonly Revision[]): RoutingState[] =>
  revisions.flatMap((revision, i): RoutingState[] => {
    const before = revisions[i - 1];
    const names = {
      current: revision.routes,
      currentRevision: revision.name,
      ...(before === undefined ? {} : { previous: before.routes, previousRevision: before.name }),
    };
    return [
      { phase: 'Revoking', ...names },
      { phase: 'Settled', ...names },
    ];
  });

/**
 * Every subset name any revision declares, the default subset, and a name none declares (a pod
 * whose subset was removed), so that "public" (seen by all) is never a single subset.
 */
const universe = (revisions: readonly CompiledRoutes[]): string[] => [
  ...new Set(revisions.flatMap((routes) => routes.subsets.map((subset) => subset.name))),
  DEFAULT_SUBSET,
  'removed-subset',
];

/** The subsets that may see `target` under `state`: its owners (all of them when public). */
const seers = (state: RoutingState, target: Target, subsets: readonly string[]): string[] =>
  subsets.filter((subset) => handoverDecide(state, target, subset).kind === 'allowed');

/**
 * A handover in `phase` from one random revision to the next: the state, both revisions' routes
 * and every subset name in play.
 */
const arbHandover = (phase: RoutingState['phase']) =>
  arbRevisions(2, 2).map(([before, after]) => {
    const [previous, current] = [before!.routes, after!.routes];
    const state: RoutingState = { phase, previous, current };
    return { state, previous, current, subsets: universe([previous, current]) };
  });

describe('handover invariants (DESIGN §4.7 and §6)', () => {
  it('gives no target two owners while Revoking: one owner, public, or nobody', () => {
    fc.assert(
      fc.property(arbHandover('Revoking'), arbWorld(), (handover, world) => {
        const { state, subsets } = handover;
        for (const target of world.targets) {
          const ownership = handoverOwner(state, target);
          if (ownership.kind === 'dependsOnObject') {
            throw new Error('a fully known target must have a definite answer');
          }
          if (ownership.kind === 'revoked') {
            for (const subset of subsets) {
              expect(handoverDecide(state, target, subset).kind).toBe('revoked');
            }
          } else {
            expect(seers(state, target, subsets)).toEqual(seersOf(ownership, subsets));
          }
          // An answer survives only where both revisions give it.
          const previous = owner(handover.previous, target);
          const current = owner(handover.current, target);
          if (JSON.stringify(previous) === JSON.stringify(current)) {
            expect(ownership).toEqual(current);
          } else {
            expect(ownership).toEqual({ kind: 'revoked', previous, current });
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives every target exactly one owner once Settled, or makes it public or excluded', () => {
    fc.assert(
      fc.property(arbHandover('Settled'), arbWorld(), ({ state, current, subsets }, world) => {
        for (const target of world.targets) {
          const ownership = handoverOwner(state, target);
          expect(ownership).toEqual(owner(current, target));
          const expected = seersOf(ownership, subsets);
          if (expected === undefined) {
            throw new Error(`Settled must decide every target, got ${ownership.kind}`);
          }
          expect(seers(state, target, subsets)).toEqual(expected);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never lets two neighbouring published states own a target with different subsets', () => {
    // The manager publishes Settled only after every live pod applied Revoking, so at any
    // instant the pods enforce at most two neighbouring states: their owners together must be
    // one subset, or the target is public (seen by all) and nobody owns it alone.
    fc.assert(
      fc.property(arbRevisions(1, 5), arbWorld(), (revisions, world) => {
        const states = published(revisions);
        const subsets = universe(revisions.map((revision) => revision.routes));
        for (const target of world.targets) {
          const allowed = states.map((state) => seers(state, target, subsets));
          for (let i = 1; i < states.length; i += 1) {
            const [before, after] = [allowed[i - 1]!, allowed[i]!];
            const together = new Set([...before, ...after]);
            const someoneAlone = before.length === 1 || after.length === 1;
            expect(together.size <= 1 || !someoneAlone).toBe(true);
          }
          // Nobody sees a target while Revoking unless it saw it before and sees it after.
          states.forEach((state, i) => {
            if (state.phase !== 'Revoking' || i === 0) return;
            for (const subset of allowed[i]!) {
              expect(allowed[i - 1]).toContain(subset);
              expect(allowed[i + 1]).toContain(subset);
            }
          });
        }
      }),
      { numRuns: 200 },
    );
  });

  it('revokes nothing when the new revision moves nothing', () => {
    fc.assert(
      fc.property(arbVirtualApp(), arbWorld(), (app, world) => {
        const state: RoutingState = {
          phase: 'Revoking',
          previous: compileRoutes(app),
          current: compileRoutes(app),
        };
        for (const target of world.targets) {
          expect(handoverOwner(state, target)).toEqual(owner(state.current, target));
        }
      }),
    );
  });

  it('answers soundly while Revoking when object labels are not known yet', () => {
    fc.assert(
      fc.property(arbHandover('Revoking'), arbWorld(), (handover, world) => {
        const { state, subsets } = handover;
        for (const target of world.targets) {
          const { objectLabels: _, ...withoutLabels } = target;
          const partial = handoverOwner(state, withoutLabels);
          const full = handoverOwner(state, target);
          expect(mayBe(partial, full)).toBe(true);
          for (const subset of subsets) {
            // 'allowed' without labels must hold for the object, and a refusal must stay one.
            const decision = handoverDecide(state, withoutLabels, subset).kind;
            const known = handoverDecide(state, target, subset).kind;
            if (decision === 'allowed') expect(known).toBe('allowed');
            if (decision !== 'allowed' && decision !== 'dependsOnObject') {
              expect(known).not.toBe('allowed');
            }
            // And a subset that either revision refuses the whole list is refused it too.
            const refusedBy = (routes: CompiledRoutes) =>
              !['allowed', 'dependsOnObject'].includes(decide(routes, withoutLabels, subset).kind);
            if (refusedBy(handover.previous) || refusedBy(handover.current)) {
              expect(['denied', 'excluded', 'revoked']).toContain(decision);
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('explains with the same ownership that handoverOwner() returns, in every phase', () => {
    fc.assert(
      fc.property(arbRevisions(1, 3), arbWorld(), (revisions, world) => {
        for (const state of published(revisions)) {
          for (const target of world.targets) {
            const explanation = explainHandover(state, target);
            expect(explanation.ownership).toEqual(handoverOwner(state, target));
            expect(explanation.reasons.length).toBeGreaterThan(2);
          }
        }
      }),
    );
  });
});
