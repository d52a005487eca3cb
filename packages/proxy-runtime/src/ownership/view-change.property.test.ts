import { arbVirtualApp, arbWorld } from '@ctrlmesh/route-engine/testing';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import { makeStateSnapshot, type RouteSnapshot } from '../routes/route-snapshot.js';
import { objectVerdict } from './object-verdict.js';
import { viewMayChange } from './view-change.js';

// DESIGN §5: a watch that is not ended by a route change goes on under the new routes, so its
// client's cache must already be exact under them. Whenever viewMayChange says "no change", every
// object the watch can show gets the same verdict before and after.

type Phase = 'Revoking' | 'Settled';
const arbState = fc.record({
  current: arbVirtualApp(),
  previous: fc.option(arbVirtualApp(), { nil: undefined }),
  phase: fc.constantFrom<Phase>('Revoking', 'Settled'),
});

const snapshotOf = (
  state: {
    current: RouteSnapshot['app'];
    previous: RouteSnapshot['app'] | undefined;
    phase: Phase;
  },
  podLabels: Record<string, string>,
  name: string,
) =>
  makeStateSnapshot(
    {
      phase: state.phase,
      current: { app: state.current, name: `${name}-current` },
      ...(state.previous === undefined
        ? {}
        : { previous: { app: state.previous, name: `${name}-previous` } }),
    },
    podLabels,
    1,
  );

describe('viewMayChange', () => {
  test.prop(
    [
      arbState,
      arbState,
      arbWorld(),
      fc.nat(),
      fc.boolean(),
      fc.option(fc.nat(), { nil: undefined }),
    ],
    { numRuns: 300 },
  )(
    'never keeps a watch open whose objects a route change shows or hides',
    (before, after, world, pick, sameApp, namespacePick) => {
      // Sometimes the same rules, so that "no change" is answered too.
      const next = sameApp
        ? { ...after, current: before.current, previous: before.previous }
        : after;
      const subsets = [
        ...(before.current.spec.subsets ?? []),
        ...(next.current.spec.subsets ?? []),
      ];
      const podLabels = Object.assign(
        {},
        ...subsets.filter((_, i) => (pick >> i) & 1).map((s) => s.labels),
      );
      const was = snapshotOf(before, podLabels, 'before');
      const is = snapshotOf(next, podLabels, 'after');
      const namespaces = new StaticNamespaceLabels(
        Object.fromEntries(world.namespaces.map((n) => [n.name, n.labels])),
      );
      for (const target of world.targets) {
        const namespace =
          namespacePick === undefined
            ? undefined
            : world.namespaces[namespacePick % world.namespaces.length]?.name;
        const view = {
          group: target.group,
          resource: target.resource,
          namespace,
          userAgent: target.userAgent ?? '',
        };
        if (viewMayChange(was, is, view, namespaces.known())) continue;
        const isNamespace = target.resource === 'namespaces';
        const object = {
          metadata: {
            name: target.namespace?.name ?? 'object',
            ...(target.namespace === undefined || isNamespace
              ? {}
              : { namespace: target.namespace.name }),
            // A Namespace's labels are its namespace's, the ones the proxy knows: an object of the
            // same name with other labels is not one any watch shows.
            labels: { ...((isNamespace ? target.namespace?.labels : target.objectLabels) ?? {}) },
          },
        };
        // Only objects the watch can read: with a namespace in its path, that namespace's objects
        // (or, for Namespaces, that Namespace); cluster-scoped objects only without one.
        const readable =
          namespace === undefined ||
          object.metadata.namespace === namespace ||
          (target.resource === 'namespaces' && object.metadata.name === namespace);
        if (!readable) continue;
        const scope = { group: target.group, resource: target.resource, userAgent: view.userAgent };
        expect(objectVerdict(is, namespaces, scope)(object)).toBe(
          objectVerdict(was, namespaces, scope)(object),
        );
      }
    },
  );
});
