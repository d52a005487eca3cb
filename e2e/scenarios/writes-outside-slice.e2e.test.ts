import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { givenProxy, givenProxyIdentity, givenVirtualApp, type MeshProxy } from '../steps/proxy.js';
import { shardVirtualApp } from '../steps/shard-virtual-app.js';
import { statusOf } from '../support/api-status.js';
import { adminKubeConfig } from '../support/kube-config.js';
import { answerThroughProxy, type ProxyAnswer } from '../support/proxy-request.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

const configOf = (proxy: MeshProxy): KubeConfig => {
  const config = new KubeConfig();
  config.loadFromFile(proxy.kubeconfig);
  return config;
};

/** One request through a proxy with a body as written (client-node would send YAML as JSON). */
const send = (
  proxy: MeshProxy,
  method: string,
  apiPath: string,
  contentType: string,
  body: string,
): Promise<ProxyAnswer> =>
  answerThroughProxy(proxy, apiPath, {
    token: inject('kas').admin.token,
    method,
    contentType,
    body,
  });

const APPLY = 'application/apply-patch+yaml';

describe('Writes under object-label rules stay in the slice (issue 9)', () => {
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const scenario = { 'e2e.ctrlmesh.io/scenario': `writes-${randomBytes(3).toString('hex')}` };
  let workDir: string;
  let namespace: string;
  let shardA: MeshProxy;
  let rest: MeshProxy;

  const exists = async (name: string): Promise<boolean> => {
    try {
      await core.readNamespacedConfigMap({ name, namespace });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return false;
      throw error;
    }
  };
  const labelsOf = async (name: string) =>
    (await core.readNamespacedConfigMap({ name, namespace })).metadata?.labels;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-writes-'));
    namespace = await uniqueNamespace('writes', scenario);
    const vappFile = path.join(workDir, 'virtualapp.yaml');
    await givenVirtualApp(
      vappFile,
      shardVirtualApp({ name: 'writes', namespace, app: 'writes', scope: scenario }),
    );
    const tokenFile = await givenProxyIdentity(admin, workDir);
    const start = (podName: string, podLabels: Record<string, string>) =>
      givenProxy({
        podName,
        podNamespace: namespace,
        podLabels,
        virtualAppFile: vappFile,
        tokenFile,
        workDir,
      });
    shardA = await start('writes-a', { app: 'writes', shard: 'a' });
    rest = await start('writes-rest', { app: 'writes' });
    for (const shard of ['a', 'b']) {
      await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: `item-${shard}`, labels: { shard } }, data: { k: 'v' } },
      });
    }
  });

  afterAll(async () => {
    await Promise.all([shardA, rest].map((proxy) => proxy?.stop()));
    if (process.env.CTRLMESH_E2E_KEEP === '1') console.log(`e2e: kept ${workDir}`);
    else if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it("a server-side apply cannot create an object in another subset's slice, only in its own", async () => {
    const yaml = (name: string, shard: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  labels:\n    shard: ${shard}\n`;
    const where = (name: string) =>
      `/api/v1/namespaces/${namespace}/configmaps/${name}?fieldManager=e2e`;
    const theirs = await send(shardA, 'PATCH', where('applied-b'), APPLY, yaml('applied-b', 'b'));
    expect(theirs.status).toBe(403);
    expect(theirs.body).toMatchObject({ kind: 'Status', reason: 'Forbidden' });
    expect(theirs.body.message).toContain('belongs to the default subset');
    expect(await exists('applied-b')).toBe(false);
    const mine = await send(shardA, 'PATCH', where('applied-a'), APPLY, yaml('applied-a', 'a'));
    expect(mine.status).toBe(201);
    expect(await labelsOf('applied-a')).toEqual({ shard: 'a' });
  });

  it("a PUT cannot create a Lease in another subset's slice, only in its own", async () => {
    const leases = (proxy: MeshProxy) => configOf(proxy).makeApiClient(CoordinationV1Api);
    const lease = (name: string, shard: string) => ({
      name,
      namespace,
      body: { metadata: { name, namespace, labels: { shard } }, spec: { holderIdentity: 'e2e' } },
    });
    const theirs = await statusOf(leases(rest).replaceNamespacedLease(lease('lease-a', 'a')));
    expect(theirs.code).toBe(403);
    expect(theirs.status.message).toContain('belongs to subset "a"');
    const admins = admin.makeApiClient(CoordinationV1Api);
    expect((await statusOf(admins.readNamespacedLease({ name: 'lease-a', namespace }))).code).toBe(
      404,
    );
    const mine = await leases(shardA).replaceNamespacedLease(lease('lease-a', 'a'));
    expect(mine.metadata?.labels).toEqual({ shard: 'a' });
  });

  it("a POST of an object in another subset's slice is refused, as before", async () => {
    const api = configOf(shardA).makeApiClient(CoreV1Api);
    const body: V1ConfigMap = { metadata: { name: 'posted-b', labels: { shard: 'b' } } };
    const answer = await statusOf(api.createNamespacedConfigMap({ namespace, body }));
    expect(answer.code).toBe(403);
    expect(answer.status.message).toContain('belongs to the default subset');
    expect(await exists('posted-b')).toBe(false);
  });

  it('JSON, merge and strategic patches change only objects of the slice, and keep them there', async () => {
    const api = configOf(shardA).makeApiClient(CoreV1Api);
    const patch = (name: string, body: object, type: PatchStrategy) =>
      api.patchNamespacedConfigMap(
        { name, namespace, body },
        setHeaderOptions('Content-Type', type),
      );
    const patches: [object, PatchStrategy][] = [
      [[{ op: 'add', path: '/data/json', value: 'yes' }], PatchStrategy.JsonPatch],
      [{ data: { merge: 'yes' } }, PatchStrategy.MergePatch],
      [{ data: { strategic: 'yes' } }, PatchStrategy.StrategicMergePatch],
    ];
    for (const [body, type] of patches) {
      await patch('item-a', body, type);
      const theirs = await statusOf(patch('item-b', body, type));
      expect(theirs.code).toBe(403);
      expect(theirs.status.message).toContain('configmaps "item-b"');
    }
    expect((await core.readNamespacedConfigMap({ name: 'item-a', namespace })).data).toEqual({
      k: 'v',
      json: 'yes',
      merge: 'yes',
      strategic: 'yes',
    });
    expect((await core.readNamespacedConfigMap({ name: 'item-b', namespace })).data).toEqual({
      k: 'v',
    });
    const moves: [object, PatchStrategy][] = [
      [[{ op: 'replace', path: '/metadata/labels/shard', value: 'b' }], PatchStrategy.JsonPatch],
      [{ metadata: { labels: { shard: 'b' } } }, PatchStrategy.MergePatch],
      [{ metadata: { labels: { shard: null } } }, PatchStrategy.StrategicMergePatch],
      // Read as kas reads them (see the last step): these too drop or change the shard label.
      [[{ op: 'replace', path: 'x/metadata/labels/shard', value: 'b' }], PatchStrategy.JsonPatch],
      [{ metadata: { $retainKeys: ['name', 'namespace'] } }, PatchStrategy.StrategicMergePatch],
    ];
    for (const [body, type] of moves) {
      const handOver = await statusOf(patch('item-a', body, type));
      expect(handOver.code).toBe(403);
      expect(handOver.status.message).toContain('belongs to the default subset');
    }
    const applied = await send(
      shardA,
      'PATCH',
      `/api/v1/namespaces/${namespace}/configmaps/item-a?fieldManager=e2e`,
      APPLY,
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: item-a\n  labels:\n    shard: b\n',
    );
    expect(applied.status).toBe(403);
    expect(await labelsOf('item-a')).toEqual({ shard: 'a' });
  });

  it('kas reads the patch quirks the proxy decides on the same way', async () => {
    const patch = (name: string, body: object, type: PatchStrategy) =>
      core.patchNamespacedConfigMap(
        { name, namespace, body },
        setHeaderOptions('Content-Type', type),
      );
    for (const name of ['quirk-path', 'quirk-retain']) {
      await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name, labels: { shard: 'a' } } },
      });
    }
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'quirk-bare' } } });
    // A JSON patch path's first segment is ignored, even a non-empty one.
    const relabel = [{ op: 'replace', path: 'x/metadata/labels/shard', value: 'b' }];
    await patch('quirk-path', relabel, PatchStrategy.JsonPatch);
    expect(await labelsOf('quirk-path')).toEqual({ shard: 'b' });
    // $retainKeys on metadata drops the labels it does not name.
    const retain = { metadata: { $retainKeys: ['name', 'namespace'] } };
    await patch('quirk-retain', retain, PatchStrategy.StrategicMergePatch);
    expect(await labelsOf('quirk-retain')).toBeUndefined();
    // A `$patch: replace` map where the object has no labels is dropped, not set.
    const replace = { metadata: { labels: { $patch: 'replace', shard: 'a' } } };
    await patch('quirk-bare', replace, PatchStrategy.StrategicMergePatch);
    expect(await labelsOf('quirk-bare')).toBeUndefined();
  });
});
