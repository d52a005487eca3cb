import { ApiException, CoreV1Api, type V1ConfigMap, Watch } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { adminKubeConfig } from '../support/kube-config.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

/** A watch event as client-node hands it over. */
interface WatchEvent {
  type: string;
  name: string | undefined;
  resourceVersion: string | undefined;
}

describe('Objects on the real kube-apiserver', () => {
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  let namespace: string;

  beforeAll(async () => {
    namespace = await uniqueNamespace('objects');
  });

  const configMap = (name: string, labels: Record<string, string> = {}): V1ConfigMap => ({
    metadata: { name, labels },
    data: { greeting: 'hello' },
  });

  it('creates, reads, updates and deletes a ConfigMap', async () => {
    const created = await core.createNamespacedConfigMap({ namespace, body: configMap('crud') });
    expect(created.metadata?.uid).toBeTruthy();

    const read = await core.readNamespacedConfigMap({ name: 'crud', namespace });
    expect(read.data).toEqual({ greeting: 'hello' });

    const updated = await core.replaceNamespacedConfigMap({
      name: 'crud',
      namespace,
      body: { ...read, data: { greeting: 'bye' } },
    });
    expect(updated.data).toEqual({ greeting: 'bye' });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(
      Number(read.metadata?.resourceVersion),
    );

    // An update from a stale resourceVersion is a conflict: optimistic concurrency is real.
    await expect(
      core.replaceNamespacedConfigMap({ name: 'crud', namespace, body: read }),
    ).rejects.toMatchObject({ code: 409 });

    await core.deleteNamespacedConfigMap({ name: 'crud', namespace });
    await expect(core.readNamespacedConfigMap({ name: 'crud', namespace })).rejects.toMatchObject({
      code: 404,
    });
  });

  it('lists with label selectors and field selectors', async () => {
    await core.createNamespacedConfigMap({ namespace, body: configMap('red-1', { color: 'red' }) });
    await core.createNamespacedConfigMap({ namespace, body: configMap('red-2', { color: 'red' }) });
    await core.createNamespacedConfigMap({
      namespace,
      body: configMap('blue-1', { color: 'blue' }),
    });
    const names = async (selectors: { labelSelector?: string; fieldSelector?: string }) =>
      (await core.listNamespacedConfigMap({ namespace, ...selectors })).items
        .map((item) => item.metadata?.name)
        .sort();

    expect(await names({ labelSelector: 'color=red' })).toEqual(['red-1', 'red-2']);
    expect(await names({ labelSelector: 'color in (red,blue),color!=red' })).toEqual(['blue-1']);
    expect(await names({ labelSelector: 'color' })).toEqual(['blue-1', 'red-1', 'red-2']);
    expect(await names({ fieldSelector: 'metadata.name=red-2' })).toEqual(['red-2']);
    expect(
      await names({ labelSelector: 'color=red', fieldSelector: 'metadata.name!=red-2' }),
    ).toEqual(['red-1']);
    // ConfigMaps support only metadata.name and metadata.namespace as field selectors.
    const refused = await core
      .listNamespacedConfigMap({ namespace, fieldSelector: 'data.greeting=hello' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiException);
    expect((refused as ApiException<string>).code).toBe(400);
  });

  it('watches from a resourceVersion and sends bookmarks', async () => {
    const first = await core.createNamespacedConfigMap({ namespace, body: configMap('watched-1') });
    const events: WatchEvent[] = [];
    let ended: unknown;
    const watching = await new Watch(admin).watch(
      `/api/v1/namespaces/${namespace}/configmaps`,
      // The watch cache sends a bookmark shortly before the watch's timeout, so a short timeout
      // gets one within seconds instead of the default minute.
      {
        resourceVersion: first.metadata?.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: 5,
      },
      (type, object: V1ConfigMap) =>
        events.push({
          type,
          name: object.metadata?.name,
          resourceVersion: object.metadata?.resourceVersion,
        }),
      (error) => {
        ended = error ?? 'closed';
      },
    );
    try {
      await core.createNamespacedConfigMap({ namespace, body: configMap('watched-2') });
      await core.patchNamespacedConfigMap({
        name: 'watched-1',
        namespace,
        body: [{ op: 'add', path: '/data/more', value: 'x' }],
      });
      await core.deleteNamespacedConfigMap({ name: 'watched-2', namespace });

      const changes = await eventually(
        () => {
          const seen = events.filter((event) => event.type !== 'BOOKMARK');
          expect(seen).toHaveLength(3);
          return seen;
        },
        { what: 'three watch events after the starting resourceVersion' },
      );
      // Events after the starting resourceVersion only, in order: not the ADDED of watched-1.
      expect(changes.map((event) => `${event.type} ${event.name}`)).toEqual([
        'ADDED watched-2',
        'MODIFIED watched-1',
        'DELETED watched-2',
      ]);
      const bookmark = await eventually(
        () => {
          const found = events.find((event) => event.type === 'BOOKMARK');
          expect(found).toBeDefined();
          return found!;
        },
        { what: 'a BOOKMARK event', timeoutMs: 15_000 },
      );
      expect(Number(bookmark.resourceVersion)).toBeGreaterThanOrEqual(
        Number(changes.at(-1)?.resourceVersion),
      );
      await eventually(() => expect(ended).toBeDefined(), {
        what: 'the server to end the watch at timeoutSeconds',
        timeoutMs: 15_000,
      });
    } finally {
      watching.abort();
    }
  });
});
