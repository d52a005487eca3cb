import { arbLabels } from '@ctrlmesh/route-engine/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveTarget, worldTargets } from './target-spec.js';
import type { World, WorldObject } from './world.js';

const arbName = () => fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
const arbGroup = () =>
  fc.constantFrom('', 'apps', 'batch', 'rbac.authorization.k8s.io', 'example.com');
const arbResource = () => fc.constantFrom('configmaps', 'deployments', 'nodes', 'widgets');

const arbObject = (namespaces: readonly string[]): fc.Arbitrary<WorldObject> =>
  fc.record({
    group: arbGroup(),
    resource: arbResource(),
    namespace:
      namespaces.length === 0
        ? fc.constant(undefined)
        : fc.option(fc.constantFrom(...namespaces), { nil: undefined }),
    name: arbName(),
    labels: arbLabels(),
  });

const arbWorld = (): fc.Arbitrary<World> =>
  fc
    .uniqueArray(fc.tuple(arbName(), arbLabels()), { selector: ([name]) => name, maxLength: 4 })
    .chain((namespaces) =>
      fc
        .array(arbObject(namespaces.map(([name]) => name)), { maxLength: 8 })
        .map((objects) => ({ namespaces: new Map(namespaces), objects })),
    );

describe('target specs', () => {
  it('name every object of a world so that the name resolves back to the same target', () => {
    fc.assert(
      fc.property(arbWorld(), (world) => {
        for (const { label, target } of worldTargets(world)) {
          const resolved = resolveTarget(label, world);
          if ('error' in resolved) throw new Error(resolved.error);
          // Same-named objects in one place: the first one's labels are used, as for a lookup.
          const first = worldTargets(world).find((t) => t.label === label);
          expect(resolved.target).toEqual(first?.target ?? target);
        }
      }),
    );
  });
});
