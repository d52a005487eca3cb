import { handoverDecide, type Labels } from '@ctrlmesh/route-engine';
import { arbLabels, arbVirtualApp, arbWorld } from '@ctrlmesh/route-engine/testing';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import { makeStateSnapshot } from '../routes/route-snapshot.js';
import { filterJsonList, type ListFilterSummary } from '../streams/json-list-filter.js';
import { jsonWatchCodec } from '../streams/json-watch-codec.js';
import { type KubeObject, objectKey } from '../streams/kube-object.js';
import { filterWatch } from '../streams/watch-filter.js';
import { WatchVisibility } from '../streams/watch-visibility.js';
import { objectVerdict } from './object-verdict.js';

// DESIGN §5: a filtered list or watch never contains an object the subset does not own, and (the
// other half of "as if the cluster held only its slice") never misses one it does own.

// Worlds give namespaces with labels; objects are drawn over them (1 to 12 per case, so every case
// exercises the filter).
// Each case is a routing state: one revision Settled, or a handover between two random ones in
// either phase, for a pod whose labels are some of their subsets' (so it may move between them).
const arbCase = fc
  .record({
    before: arbVirtualApp(),
    after: arbVirtualApp(),
    phase: fc.constantFrom('Revoking' as const, 'Settled' as const),
    handover: fc.boolean(),
    world: arbWorld(),
    pick: fc.nat(),
    drawn: fc.array(fc.record({ at: fc.nat(), labels: arbLabels() }), {
      minLength: 1,
      maxLength: 12,
    }),
  })
  .map(({ before, after, phase, handover, world, pick, drawn }) => {
    const subsets = [...(before.spec.subsets ?? []), ...(after.spec.subsets ?? [])];
    const podLabels = Object.assign(
      {},
      ...subsets.filter((_, i) => (pick >> i) & 1).map((s) => s.labels),
    );
    const snapshot = makeStateSnapshot(
      {
        phase,
        current: { app: after, name: 'after' },
        ...(handover ? { previous: { app: before, name: 'before' } } : {}),
      },
      podLabels,
      1,
    );
    const { state, subset } = snapshot;
    const labelsOf = new Map(world.namespaces.map((n) => [n.name, n.labels]));
    const objects: KubeObject[] = drawn.map(({ at, labels }, i) => ({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: {
        name: `cm-${i}`,
        namespace: world.namespaces[at % world.namespaces.length]!.name,
        labels,
        resourceVersion: `${i + 1}`,
      },
    }));
    const owns = (object: KubeObject): boolean => {
      const namespace = object.metadata!.namespace!;
      return (
        handoverDecide(
          state,
          {
            group: '',
            resource: 'configmaps',
            namespace: { name: namespace, labels: labelsOf.get(namespace) ?? {} },
            objectLabels: object.metadata?.labels ?? {},
            userAgent: '',
          },
          subset,
        ).kind === 'allowed'
      );
    };
    const keep = objectVerdict(snapshot, new StaticNamespaceLabels(Object.fromEntries(labelsOf)), {
      group: '',
      resource: 'configmaps',
      userAgent: '',
    });
    return { objects, owns, keep };
  });

async function* once(bytes: Buffer): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += 97) yield bytes.subarray(i, i + 97);
}

const relabel = (object: KubeObject, labels: Labels, rv: number): KubeObject => ({
  ...object,
  metadata: { ...object.metadata, labels, resourceVersion: `${rv}` },
});

describe('filtered lists and watches show exactly the slice', () => {
  test.prop([arbCase], { numRuns: 150 })(
    'a list keeps exactly the owned items',
    async ({ objects, owns, keep }) => {
      const body = Buffer.from(
        JSON.stringify({
          kind: 'ConfigMapList',
          metadata: { resourceVersion: '1' },
          items: objects,
        }),
      );
      const summary: ListFilterSummary = {
        kept: 0,
        dropped: 0,
        shownKeys: [],
        resourceVersion: undefined,
      };
      const parts: Buffer[] = [];
      for await (const part of filterJsonList(once(body), { keep, maxItemBytes: 1 << 20, summary }))
        parts.push(part);
      const kept = (JSON.parse(Buffer.concat(parts).toString()).items as KubeObject[]).map(
        objectKey,
      );
      expect(kept).toEqual(objects.filter(owns).map(objectKey));
    },
  );

  test.prop(
    [arbCase, fc.array(fc.record({ index: fc.nat(), labels: arbLabels() }), { maxLength: 12 })],
    {
      numRuns: 150,
    },
  )(
    'a watch with relabelling leaves the client with exactly the owned objects',
    async (c, changes) => {
      const { objects, owns, keep } = c;
      if (objects.length === 0) return;
      const latest = new Map(objects.map((o) => [objectKey(o), o]));
      const events = objects.map((object) => ({ type: 'ADDED', object }));
      changes.forEach(({ index, labels }, step) => {
        const target = objects[index % objects.length]!;
        const next = relabel(latest.get(objectKey(target))!, labels, 1000 + step);
        latest.set(objectKey(target), next);
        events.push({ type: 'MODIFIED', object: next });
      });
      const bytes = Buffer.from(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
      const visibility = new WatchVisibility([], {
        bookmarks: true,
        sendInitialEvents: false,
        fromExactVersion: false,
      });
      const cache = new Map<string, KubeObject>();
      const counts = { kept: 0, dropped: 0 };
      const never = new Promise<never>(() => undefined);
      for await (const out of filterWatch(once(bytes), {
        codec: jsonWatchCodec,
        keep,
        visibility,
        maxFrameBytes: 1 << 20,
        expired: never,
        counts,
      })) {
        const event = JSON.parse(out.toString()) as { type: string; object: KubeObject };
        if (event.type === 'ADDED' || event.type === 'MODIFIED') {
          expect(owns(event.object)).toBe(true);
          cache.set(objectKey(event.object), event.object);
        } else if (event.type === 'DELETED') {
          expect(cache.has(objectKey(event.object))).toBe(true);
          cache.delete(objectKey(event.object));
        } else {
          expect(event.type).toBe('BOOKMARK');
          expect(Object.keys(event.object.metadata ?? {})).toEqual(['resourceVersion']);
        }
      }
      const expected = [...latest.values()].filter(owns).map(objectKey).sort();
      expect([...cache.keys()].sort()).toEqual(expected);
    },
  );
});
