import { compileRoutes, owner } from '@ctrlmesh/route-engine';
import { arbVirtualApp, arbWorld } from '@ctrlmesh/route-engine/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ownershipText } from '../ownership-text.js';
import { worldTargets } from '../target-spec.js';
import type { World, WorldObject } from '../world.js';
import { diffOwnership } from './diff.js';

/** route-engine's random worlds as the CLI's: Namespaces by name, objects with names. */
const arbCliWorld = (): fc.Arbitrary<World> =>
  arbWorld().map((world) => ({
    namespaces: new Map(world.namespaces.map((ns) => [ns.name, ns.labels])),
    objects: world.targets
      .filter(
        (t) => t.subresource === undefined && !(t.group === '' && t.resource === 'namespaces'),
      )
      .map(
        (t, i): WorldObject => ({
          group: t.group,
          resource: t.resource,
          namespace: t.namespace?.name,
          name: `object-${i}`,
          labels: t.objectLabels ?? {},
        }),
      ),
  }));

const arbRoutes = () => arbVirtualApp().map(compileRoutes);

describe('diffOwnership', () => {
  it('finds no change when a VirtualApp replaces itself', () => {
    fc.assert(
      fc.property(arbRoutes(), arbCliWorld(), (routes, world) => {
        const diff = diffOwnership(routes, routes, world);
        expect(diff.changes).toEqual([]);
        expect(diff.summary).toEqual([]);
      }),
    );
  });

  it('lists exactly the targets whose owner differs, each once', () => {
    fc.assert(
      fc.property(arbRoutes(), arbRoutes(), arbCliWorld(), (previous, next, world) => {
        const diff = diffOwnership(previous, next, world);
        const expected = worldTargets(world).filter(
          ({ target }) =>
            ownershipText(owner(previous, target)) !== ownershipText(owner(next, target)),
        );
        expect(diff.changes.map((c) => c.target)).toEqual(expected.map((t) => t.label));
      }),
    );
  });

  it('tallies as many gains as losses, and as many of each as changes', () => {
    fc.assert(
      fc.property(arbRoutes(), arbRoutes(), arbCliWorld(), (previous, next, world) => {
        const diff = diffOwnership(previous, next, world);
        for (const kind of ['namespaces', 'objects'] as const) {
          const changes = diff.changes.filter(
            (c) => c.kind === (kind === 'namespaces' ? 'namespace' : 'object'),
          ).length;
          const gained = diff.summary.reduce((n, t) => n + t[kind].gained, 0);
          const lost = diff.summary.reduce((n, t) => n + t[kind].lost, 0);
          expect([gained, lost]).toEqual([changes, changes]);
        }
      }),
    );
  });
});
