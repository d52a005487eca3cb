import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CompiledRoutes, compileRoutes } from './compiled-routes.js';
import { decide } from './decision.js';
import { handoverDecide, type RoutingState } from './handover.js';
import { handoverPodSubset, NO_SUBSET } from './handover-pod-subset.js';
import { owner } from './ownership.js';
import { podSubset } from './pod-subset.js';
import { arbVirtualApp, arbWorld } from './testing/index.js';

/** Two neighbouring revisions, and a pod whose labels are those of some of their subsets. */
const arbMovingPod = fc
  .tuple(arbVirtualApp(), arbVirtualApp(), fc.boolean())
  .chain(([before, after, same]) => {
    const previous = compileRoutes(before);
    const current = same ? previous : compileRoutes(after);
    const labelSets = [...previous.subsets, ...current.subsets].map((s) => s.podLabels);
    return fc
      .subarray(labelSets)
      .map((chosen) => ({ previous, current, pod: Object.assign({}, ...chosen) }));
  });

const allowed = (routes: CompiledRoutes, target: Parameters<typeof decide>[1], subset: string) =>
  decide(routes, target, subset).kind === 'allowed';

describe('a pod during a handover (decision 0005)', () => {
  it('sees while Revoking only what it sees under both neighbouring Settled states', () => {
    fc.assert(
      fc.property(arbMovingPod, arbWorld(), ({ previous, current, pod }, world) => {
        const state: RoutingState = { phase: 'Revoking', previous, current };
        const subset = handoverPodSubset(state, pod);
        for (const target of world.targets) {
          if (handoverDecide(state, target, subset).kind !== 'allowed') continue;
          expect(allowed(previous, target, podSubset(previous, pod))).toBe(true);
          expect(allowed(current, target, podSubset(current, pod))).toBe(true);
        }
      }),
    );
  });

  it('owns nothing but resources public in both revisions when its subset moves', () => {
    fc.assert(
      fc.property(arbMovingPod, arbWorld(), ({ previous, current, pod }, world) => {
        const state: RoutingState = { phase: 'Revoking', previous, current };
        const moves = podSubset(previous, pod) !== podSubset(current, pod);
        expect(handoverPodSubset(state, pod) === NO_SUBSET).toBe(moves);
        if (!moves) return;
        for (const target of world.targets) {
          if (handoverDecide(state, target, NO_SUBSET).kind !== 'allowed') continue;
          expect(owner(previous, target).kind).toBe('public');
          expect(owner(current, target).kind).toBe('public');
        }
      }),
    );
  });
});
