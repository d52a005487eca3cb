import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRoutes } from './compiled-routes.js';
import { decide } from './decision.js';
import { DEFAULT_SUBSET } from './default-subset.js';
import { explain } from './explain.js';
import { owner } from './ownership.js';
import { parseVirtualApp } from './parse-virtual-app.js';
import { podSubset } from './pod-subset.js';
import { mayBe, seersOf } from './test-support/ownership-checks.js';
import { arbLabels, arbVirtualApp, arbWorld } from './testing/index.js';

const arbRoutes = () => arbVirtualApp().map(compileRoutes);

const subsetNames = (routes: ReturnType<typeof compileRoutes>): string[] => [
  ...routes.subsets.map((subset) => subset.name),
  DEFAULT_SUBSET,
];

describe('ownership invariants (DESIGN §4.7)', () => {
  it('random VirtualApps pass validation', () => {
    fc.assert(
      fc.property(arbVirtualApp(), (app) => {
        expect(parseVirtualApp(app)).toEqual({ ok: true, value: app });
      }),
    );
  });

  it('gives every target that is not excluded exactly one owner, or makes it public', () => {
    fc.assert(
      fc.property(arbRoutes(), arbWorld(), (routes, world) => {
        const subsets = subsetNames(routes);
        for (const target of world.targets) {
          const ownership = owner(routes, target);
          const allowed = subsets.filter((s) => decide(routes, target, s).kind === 'allowed');
          switch (ownership.kind) {
            case 'owned':
              expect(subsets).toContain(ownership.subset);
              break;
            case 'excluded':
              for (const s of subsets)
                expect(decide(routes, target, s)).toEqual({ kind: 'excluded' });
              break;
            case 'dependsOnObject':
              throw new Error('a fully known target must have a definite owner');
          }
          expect(allowed).toEqual(seersOf(ownership, subsets));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('answers soundly when object labels are not known yet', () => {
    fc.assert(
      fc.property(arbRoutes(), arbWorld(), (routes, world) => {
        for (const target of world.targets) {
          const full = owner(routes, target);
          const { objectLabels: _, ...withoutLabels } = target;
          const partial = owner(routes, withoutLabels);
          expect(mayBe(partial, full)).toBe(true);
          for (const subset of subsetNames(routes)) {
            // Without labels, 'allowed' must hold for the object and a refusal must stay one
            // (a refusal may be 'denied' where the labels turn out to exclude the object).
            const decision = decide(routes, withoutLabels, subset).kind;
            const known = decide(routes, target, subset).kind;
            if (decision === 'allowed') expect(known).toBe('allowed');
            if (decision === 'denied' || decision === 'excluded') expect(known).not.toBe('allowed');
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('explains with the same ownership that owner() returns', () => {
    fc.assert(
      fc.property(arbRoutes(), arbWorld(), (routes, world) => {
        for (const target of world.targets) {
          const explanation = explain(routes, target);
          expect(explanation.ownership).toEqual(owner(routes, target));
          expect(explanation.reasons.length).toBeGreaterThan(1);
        }
      }),
    );
  });

  it('puts every pod in exactly one subset, the first whose labels it carries', () => {
    fc.assert(
      fc.property(arbRoutes(), arbLabels(), (routes, labels) => {
        const subset = podSubset(routes, labels);
        const matching = routes.subsets.filter((s) =>
          Object.entries(s.podLabels).every(([k, v]) => labels[k] === v),
        );
        expect(subset).toBe(matching[0]?.name ?? DEFAULT_SUBSET);
      }),
    );
  });
});
