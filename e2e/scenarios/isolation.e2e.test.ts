import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenProxy, givenProxyIdentity, givenVirtualApp, type MeshProxy } from '../steps/proxy.js';
import { statusOf } from '../support/api-status.js';
import { eventually } from '../support/eventually.js';
import { adminKubeConfig } from '../support/kube-config.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

const throughProxy = (proxy: MeshProxy): CoreV1Api => {
  const config = new KubeConfig();
  config.loadFromFile(proxy.kubeconfig);
  return config.makeApiClient(CoreV1Api);
};

describe('Isolation: a controller sees and touches only its tenant, whatever its RBAC', () => {
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const tenant = { 'e2e.ctrlmesh.io/tenant': `a-${randomBytes(3).toString('hex')}` };
  let workDir: string;
  let vappFile: string;
  let tokenFile: string;
  let mine: string;
  let theirs: string;
  let proxy: MeshProxy;
  const extra: MeshProxy[] = [];

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-isolation-'));
    mine = await uniqueNamespace('tenant-a', tenant);
    theirs = await uniqueNamespace('tenant-b');
    for (const namespace of [mine, theirs]) {
      await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: 'app-config' } },
      });
      for (const team of ['a', 'b']) {
        await core.createNamespacedSecret({
          namespace,
          body: { metadata: { name: `team-${team}`, labels: { team } }, stringData: { k: 'v' } },
        });
      }
    }
    vappFile = path.join(workDir, 'virtualapp.yaml');
    await givenVirtualApp(vappFile, {
      apiVersion: 'ctrlmesh.io/v1alpha1',
      kind: 'VirtualApp',
      metadata: { name: 'isolated', namespace: mine },
      spec: {
        selector: { matchLabels: { app: 'isolated' } },
        route: {
          // No subsets at all: the default subset owns everything the limits let through (the
          // original denied everything here, reference §3.3).
          globalLimits: [
            { namespaceSelector: { matchLabels: tenant } },
            {
              objectSelector: { matchLabels: { team: 'a' } },
              resources: [{ apiGroups: [''], resources: ['secrets'] }],
            },
          ],
        },
      },
    });
    tokenFile = await givenProxyIdentity(admin, workDir);
    proxy = await givenProxy({
      podName: 'isolated-0',
      podNamespace: mine,
      podLabels: { app: 'isolated' },
      virtualAppFile: vappFile,
      tokenFile,
      workDir,
    });
  });

  afterAll(async () => {
    await Promise.all([proxy, ...extra].map((p) => p?.stop()));
    if (process.env.CTRLMESH_E2E_KEEP === '1') console.log(`e2e: kept ${workDir}`);
    else if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it("lists across namespaces show only the tenant's objects", async () => {
    const items = (await throughProxy(proxy).listConfigMapForAllNamespaces()).items;
    const namespaces = new Set(items.map((item) => item.metadata?.namespace));
    expect(namespaces.has(mine)).toBe(true);
    expect(namespaces.has(theirs)).toBe(false);
    expect(namespaces.has('kube-system')).toBe(false);
  });

  it('reads and writes in another tenant get 403 with a metav1.Status', async () => {
    const api = throughProxy(proxy);
    const read = await statusOf(
      api.readNamespacedConfigMap({ name: 'app-config', namespace: theirs }),
    );
    expect(read.code).toBe(403);
    expect(read.status).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
    expect(read.status.message).toContain('excluded');
    const write = await statusOf(
      api.createNamespacedConfigMap({ namespace: theirs, body: { metadata: { name: 'x' } } }),
    );
    expect(write.code).toBe(403);
    expect(
      (await api.readNamespacedConfigMap({ name: 'app-config', namespace: mine })).metadata?.name,
    ).toBe('app-config');
  });

  it("a client's own labelSelector cannot widen the slice", async () => {
    const api = throughProxy(proxy);
    const asked = await api.listNamespacedSecret({ namespace: mine, labelSelector: 'team=b' });
    expect(asked.items).toEqual([]);
    const all = await api.listNamespacedSecret({ namespace: mine, labelSelector: 'team in (a,b)' });
    expect(all.items.map((s) => s.metadata?.name)).toEqual(['team-a']);
    expect(
      (await statusOf(api.readNamespacedSecret({ name: 'team-b', namespace: mine }))).code,
    ).toBe(403);
  });

  it('a restarted proxy keeps the last routes even when its source is gone', async () => {
    await proxy.stop();
    await writeFile(vappFile, 'not: [a VirtualApp');
    await proxy.restart();
    const api = throughProxy(proxy);
    expect(
      (await statusOf(api.readNamespacedConfigMap({ name: 'app-config', namespace: theirs }))).code,
    ).toBe(403);
    expect(
      (await api.readNamespacedConfigMap({ name: 'app-config', namespace: mine })).metadata?.name,
    ).toBe('app-config');
  });

  it('a proxy with no routes at all fails closed: 503 and not ready', async () => {
    const blind = await givenProxy({
      podName: 'isolated-blind',
      podNamespace: mine,
      podLabels: {},
      virtualAppFile: path.join(workDir, 'missing.yaml'),
      tokenFile,
      workDir,
      waitReady: false,
    });
    extra.push(blind);
    await eventually(async () => expect(await blind.readyz()).toBe(503), {
      what: 'the blind proxy to answer /readyz',
    });
    const answer = await statusOf(
      throughProxy(blind).readNamespacedConfigMap({ name: 'app-config', namespace: mine }),
    );
    expect(answer.code).toBe(503);
    expect(answer.status.reason).toBe('ServiceUnavailable');
  });
});
