import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenProxy, givenProxyIdentity, givenVirtualApp, type MeshProxy } from '../steps/proxy.js';
import {
  eventuallyLeaseHeldBy,
  eventuallyReconciledBy,
  watchLabel,
} from '../steps/sample-controller-replicas.js';
import { shardVirtualApp } from '../steps/shard-virtual-app.js';
import { eventually } from '../support/eventually.js';
import { adminKubeConfig } from '../support/kube-config.js';
import { type SampleController, startSampleController } from '../support/sample-controller.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

interface SeenEvent {
  type: string;
  name: string;
}

/** Lists then watches ConfigMaps of `namespace` through a proxy, recording every event. */
const recordWatch = async (proxy: MeshProxy, namespace: string) => {
  const config = new KubeConfig();
  config.loadFromFile(proxy.kubeconfig);
  const list = await config.makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace });
  const events: SeenEvent[] = [];
  const request = await new Watch(config).watch(
    `/api/v1/namespaces/${namespace}/configmaps`,
    { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
    (type: string, object: { metadata?: { name?: string } }) => {
      events.push({ type, name: object.metadata?.name ?? '' });
    },
    () => undefined,
  );
  return {
    initial: list.items.map((item) => item.metadata?.name),
    events,
    stop: () => request.abort(),
  };
};

describe('Sharding by object labels', () => {
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const scenario = { 'e2e.ctrlmesh.io/scenario': `shard-${randomBytes(3).toString('hex')}` };
  const lock = 'go-sample-shards';
  let workDir: string;
  let home: string;
  let work: string;
  const proxies: MeshProxy[] = [];
  const controllers: SampleController[] = [];

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-sharding-'));
    home = await uniqueNamespace('shard-home', scenario);
    work = await uniqueNamespace('shard-work', scenario);
    const vappFile = path.join(workDir, 'virtualapp.yaml');
    await givenVirtualApp(
      vappFile,
      shardVirtualApp({
        name: 'go-sample-shards',
        namespace: home,
        app: 'go-sample',
        scope: scenario,
        lock,
      }),
    );
    const tokenFile = await givenProxyIdentity(admin, workDir);
    for (const [podName, labels] of [
      ['go-shard-a', { app: 'go-sample', shard: 'a' }],
      ['go-shard-rest', { app: 'go-sample' }],
    ] as const) {
      const proxy = await givenProxy({
        podName,
        podNamespace: home,
        podLabels: labels,
        virtualAppFile: vappFile,
        tokenFile,
        workDir,
        // The Go client trusts the certificate the proxy made for itself.
        tls: 'self-signed',
      });
      proxies.push(proxy);
      controllers.push(
        startSampleController({
          kind: 'go',
          podName,
          podNamespace: home,
          kubeconfig: proxy.kubeconfig,
          logDir: workDir,
          version: 'v1',
          leaderElectionName: lock,
        }),
      );
    }
  });

  afterAll(async () => {
    await Promise.all(controllers.map((controller) => controller.stop()));
    await Promise.all(proxies.map((proxy) => proxy.stop()));
    if (process.env.CTRLMESH_E2E_KEEP === '1') console.log(`e2e: kept ${workDir}`);
    else if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('each shard elects its own leader and reconciles only its objects', async () => {
    await eventuallyLeaseHeldBy(admin, home, `${lock}---a`, 'go-shard-a');
    await eventuallyLeaseHeldBy(admin, home, lock, 'go-shard-rest');
    for (const shard of ['a', 'b', 'c']) {
      await core.createNamespacedConfigMap({
        namespace: work,
        body: { metadata: { name: `item-${shard}`, labels: { ...watchLabel(), shard } } },
      });
    }
    await eventuallyReconciledBy(core, work, 'item-a', 'go-shard-a@v1');
    await eventuallyReconciledBy(core, work, 'item-b', 'go-shard-rest@v1');
    await eventuallyReconciledBy(core, work, 'item-c', 'go-shard-rest@v1');
  });

  it('relabelling an object moves it: DELETED to one shard, ADDED to the other, no loss', async () => {
    const [toA, toRest] = proxies as [MeshProxy, MeshProxy];
    const onA = await recordWatch(toA, work);
    const onRest = await recordWatch(toRest, work);
    try {
      expect(onA.initial).toEqual(['item-a']);
      expect(onRest.initial).toEqual(['item-b', 'item-c']);
      await core.patchNamespacedConfigMap(
        { name: 'item-b', namespace: work, body: { metadata: { labels: { shard: 'a' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await eventually(
        () => {
          expect(onA.events).toContainEqual({ type: 'ADDED', name: 'item-b' });
          expect(onRest.events).toContainEqual({ type: 'DELETED', name: 'item-b' });
        },
        { what: 'item-b to move from the default shard to shard a' },
      );
      // The hidden side never hears of objects it does not own.
      expect(onA.events.map((e) => e.name)).not.toContain('item-c');
    } finally {
      onA.stop();
      onRest.stop();
    }
    await eventuallyReconciledBy(core, work, 'item-b', 'go-shard-a@v1');
  });
});
