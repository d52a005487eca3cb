import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { canaryVirtualApp } from '../steps/canary-virtual-app.js';
import {
  givenProxy,
  givenProxyIdentity,
  givenProxyRoutesIdentity,
  type MeshProxy,
} from '../steps/proxy.js';
import { givenVirtualAppCrd, virtualApps } from '../steps/virtual-app-crd.js';
import { eventually } from '../support/eventually.js';
import { adminKubeConfig } from '../support/kube-config.js';
import { answerThroughProxy, requestThroughProxy } from '../support/proxy-request.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

const ROUTES_APPLIED = 'ctrlmesh.io/RoutesApplied';

// Decision 0005: the proxies read the VirtualApp's published state from the apiserver and say on
// their own pod what they enforce. The manager is not part of this story: the test publishes the
// ControllerRevisions and status.routing itself, as the manager would.
describe('Proxies following a VirtualApp in the cluster (--virtualapp-name)', () => {
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const apps = admin.makeApiClient(AppsV1Api);
  const custom = admin.makeApiClient(CustomObjectsApi);
  const scenario = { 'e2e.ctrlmesh.io/scenario': `cluster-${randomBytes(3).toString('hex')}` };
  const token = inject('kas').admin.token;
  const vapp = 'sample';
  let workDir: string;
  let home: string;
  let tokenFile: string;
  const ns = { plain: '', canary: '', moving: '' };
  const revisions = { a: `${vapp}-aaaaaaaaaa`, b: `${vapp}-bbbbbbbbbb`, bad: `${vapp}-cccccccccc` };
  const proxies: { v1?: MeshProxy; v2?: MeshProxy } = {};
  const pods = { v1: 'go-sample-v1-0', v2: 'go-sample-v2-0' };

  const spec = (widenedBy: Record<string, unknown>[] = []) =>
    canaryVirtualApp({
      name: vapp,
      namespace: home,
      lock: 'sample-lock',
      scope: scenario,
      widenedBy,
    }).spec as Record<string, unknown>;

  const publishRevision = (name: string, revisionSpec: unknown, revision: number) =>
    apps.createNamespacedControllerRevision({
      namespace: home,
      body: {
        metadata: { name, labels: { 'ctrlmesh.io/virtual-app': vapp } },
        data: { spec: revisionSpec },
        revision,
      },
    });

  const publish = (routing: Record<string, unknown>) =>
    custom.patchNamespacedCustomObjectStatus(
      {
        ...virtualApps,
        namespace: home,
        name: vapp,
        body: { status: { routing: { observedGeneration: 1, ...routing } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );

  const condition = async (pod: string) => {
    const object = await core.readNamespacedPodStatus({ name: pod, namespace: home });
    return object.status?.conditions?.find((c) => c.type === ROUTES_APPLIED);
  };

  const eventuallyReported = (
    pod: string,
    want: { status: string; reason: string; message?: string },
  ) =>
    eventually(
      async () => {
        const got = await condition(pod);
        expect(got).toMatchObject(want);
        return got;
      },
      { what: `${pod} to report ${JSON.stringify(want)}` },
    );

  /** The namespaces whose ConfigMap `settings` a list through `proxy` shows. */
  const listed = async (proxy: MeshProxy) => {
    const answer = await answerThroughProxy(
      proxy,
      '/api/v1/configmaps?labelSelector=mesh%3Dsettings',
      {
        token,
      },
    );
    expect(answer.status).toBe(200);
    const items = answer.body.items as { metadata: { namespace: string } }[];
    return items.map((item) => item.metadata.namespace).sort();
  };

  const getMoving = (proxy: MeshProxy) =>
    answerThroughProxy(proxy, `/api/v1/namespaces/${ns.moving}/configmaps/settings`, { token });

  /** A watch through `proxy`: `ended` resolves with the code of the ERROR event that ends it. */
  const openWatch = async (proxy: MeshProxy) => {
    const res = await requestThroughProxy(
      proxy,
      '/api/v1/configmaps?watch=true&labelSelector=mesh%3Dsettings',
      { token },
    );
    expect(res.statusCode).toBe(200);
    let open = true;
    const ended = new Promise<number>((resolve, reject) => {
      let rest = '';
      res.on('data', (chunk: Buffer) => {
        rest += chunk.toString();
        for (let at = rest.indexOf('\n'); at >= 0; at = rest.indexOf('\n')) {
          const event = JSON.parse(rest.slice(0, at)) as {
            type: string;
            object: { code?: number };
          };
          rest = rest.slice(at + 1);
          if (event.type === 'ERROR') {
            open = false;
            resolve(event.object.code ?? 0);
            res.destroy();
          }
        }
      });
      res.on('error', reject);
      res.on('end', () => reject(new Error('the watch ended without an ERROR event')));
    });
    return {
      ended,
      isOpen: () => open,
      close: () => {
        ended.catch(() => undefined);
        res.destroy();
      },
    };
  };

  const startProxy = (pod: string, version: string, extra: { stateFile?: string } = {}) =>
    givenProxy({
      podName: pod,
      podNamespace: home,
      podLabels: { app: 'go-sample', version },
      virtualAppName: vapp,
      tokenFile,
      workDir,
      ...extra,
    });

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-cluster-routes-'));
    await givenVirtualAppCrd(admin);
    home = await uniqueNamespace('mesh-home', scenario);
    ns.plain = await uniqueNamespace('team', scenario);
    ns.canary = await uniqueNamespace('canary', scenario);
    ns.moving = await uniqueNamespace('moving', scenario);
    for (const namespace of Object.values(ns)) {
      await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: 'settings', labels: { mesh: 'settings' } } },
      });
    }
    tokenFile = await givenProxyIdentity(admin, workDir);
    await givenProxyRoutesIdentity(admin, home);
    // The pods the proxies report on; a pretend kubelet would run them.
    for (const [version, name] of Object.entries(pods)) {
      await core.createNamespacedPod({
        namespace: home,
        body: {
          metadata: { name, labels: { app: 'go-sample', version } },
          spec: { containers: [{ name: 'controller', image: 'example.invalid/controller' }] },
        },
      });
    }
    await custom.createNamespacedCustomObject({
      ...virtualApps,
      namespace: home,
      body: {
        apiVersion: 'ctrlmesh.io/v1alpha1',
        kind: 'VirtualApp',
        metadata: { name: vapp },
        spec: spec(),
      },
    });
    await publishRevision(revisions.a, spec(), 1);
    await publishRevision(revisions.b, spec([{ namespaceRegex: `^${ns.moving}$` }]), 2);
    await publish({ currentRevision: revisions.a, phase: 'Settled' });
    proxies.v1 = await startProxy(pods.v1, 'v1');
    proxies.v2 = await startProxy(pods.v2, 'v2');
  });

  afterAll(async () => {
    await Promise.all(Object.values(proxies).map((proxy) => proxy?.stop()));
    if (process.env.CTRLMESH_E2E_KEEP === '1') console.log(`e2e: kept ${workDir}`);
    else if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('applies the published routes and says so on each pod', async () => {
    for (const pod of Object.values(pods)) {
      await eventuallyReported(pod, { status: 'True', reason: 'Settled', message: revisions.a });
    }
    expect(await listed(proxies.v1!)).toEqual([ns.moving, ns.plain].sort());
    expect(await listed(proxies.v2!)).toEqual([ns.canary]);
  });

  it('hides exactly the moving namespace from both subsets while Revoking, then hands it over, ending the watches whose view changes with 410', async () => {
    const { v1, v2 } = proxies as Required<typeof proxies>;
    const v1Watch = await openWatch(v1);
    const v2Watch = await openWatch(v2);
    await publish({
      currentRevision: revisions.b,
      previousRevision: revisions.a,
      phase: 'Revoking',
    });
    // v1 loses the moving namespace now; v2 sees the same as before, and its watch goes on.
    expect(await v1Watch.ended).toBe(410);
    for (const pod of Object.values(pods)) {
      await eventuallyReported(pod, { status: 'True', reason: 'Revoking', message: revisions.b });
    }
    expect(v2Watch.isOpen()).toBe(true);
    expect(await listed(v1)).toEqual([ns.plain]);
    expect(await listed(v2)).toEqual([ns.canary]);
    for (const proxy of [v1, v2]) {
      const answer = await getMoving(proxy);
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
      expect(answer.body.message).toContain(
        `being handed over between revisions ${revisions.a} and ${revisions.b}`,
      );
    }

    const v1Again = await openWatch(v1);
    await publish({
      currentRevision: revisions.b,
      previousRevision: revisions.a,
      phase: 'Settled',
    });
    // Now v2 gains it (its watch ends so that its client re-lists), and v1's view stays.
    expect(await v2Watch.ended).toBe(410);
    for (const pod of Object.values(pods)) {
      await eventuallyReported(pod, { status: 'True', reason: 'Settled', message: revisions.b });
    }
    expect(v1Again.isOpen()).toBe(true);
    v1Again.close();
    expect(await listed(v1)).toEqual([ns.plain]);
    expect(await listed(v2)).toEqual([ns.canary, ns.moving].sort());
    expect((await getMoving(v2)).status).toBe(200);
    expect((await getMoving(v1)).body.message).toContain('belongs to subset "v2"');
  });

  it('keeps the last good state and reports False for an invalid or missing revision', async () => {
    const { v2 } = proxies as Required<typeof proxies>;
    await publishRevision(
      revisions.bad,
      { ...spec(), subsets: [{ name: 'Not_A_Label', labels: {} }] },
      3,
    );
    await publish({
      currentRevision: revisions.bad,
      previousRevision: revisions.b,
      phase: 'Revoking',
    });
    const invalid = await eventuallyReported(pods.v2, { status: 'False', reason: 'RoutesInvalid' });
    expect(invalid?.message).toContain(`${revisions.bad}: data.spec.subsets`);
    expect(await listed(v2)).toEqual([ns.canary, ns.moving].sort());

    await publish({
      currentRevision: `${vapp}-dddddddddd`,
      previousRevision: revisions.b,
      phase: 'Revoking',
    });
    const missing = await eventuallyReported(pods.v2, {
      status: 'False',
      reason: 'RevisionNotFound',
    });
    expect(missing?.message).toContain(`${vapp}-dddddddddd`);
    expect((await getMoving(v2)).status).toBe(200);

    await publish({
      currentRevision: revisions.b,
      previousRevision: revisions.a,
      phase: 'Settled',
    });
    await eventuallyReported(pods.v2, { status: 'True', reason: 'Settled', message: revisions.b });
  });

  it('starts a restarted proxy from its state file while the apiserver is unreachable', async () => {
    const { v2 } = proxies;
    await v2?.stop();
    // A port nothing listens on: bound, then closed again.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const restarted = await givenProxy({
      podName: pods.v2,
      podNamespace: home,
      podLabels: { app: 'go-sample', version: 'v2' },
      virtualAppName: vapp,
      tokenFile,
      workDir,
      waitReady: false,
      extraArgs: [`--upstream=https://127.0.0.1:${port}`],
    });
    proxies.v2 = restarted;
    await eventually(
      async () => {
        const metrics = await restarted.metrics();
        expect(metrics).toMatch(/ctrlmesh_proxy_route_info\{[^}]*version="sample-bbbbbbbbbb"/);
      },
      { what: 'the restarted proxy to enforce revision B from its state file' },
    );
    // Routes are there; only the namespace labels, which need the apiserver, keep it unready.
    const readyz = await fetch(`http://127.0.0.1:${restarted.adminPort}/readyz`);
    expect(readyz.status).toBe(503);
    expect(await readyz.text()).not.toContain('no routes');
  });

  it('fails closed until a state is published: not ready, 503, and says why on its pod', async () => {
    const unpublished = 'unpublished';
    const pod = 'unpublished-0';
    await custom.createNamespacedCustomObject({
      ...virtualApps,
      namespace: home,
      body: {
        apiVersion: 'ctrlmesh.io/v1alpha1',
        kind: 'VirtualApp',
        metadata: { name: unpublished },
        spec: spec(),
      },
    });
    await core.createNamespacedPod({
      namespace: home,
      body: {
        metadata: { name: pod, labels: { app: 'go-sample' } },
        spec: { containers: [{ name: 'controller', image: 'example.invalid/controller' }] },
      },
    });
    const proxy = await givenProxy({
      podName: pod,
      podNamespace: home,
      podLabels: { app: 'go-sample' },
      virtualAppName: unpublished,
      tokenFile,
      workDir,
      waitReady: false,
    });
    try {
      const reported = await eventuallyReported(pod, {
        status: 'False',
        reason: 'RevisionNotFound',
      });
      expect(reported?.message).toContain('has published no revision yet');
      const readyz = await fetch(`http://127.0.0.1:${proxy.adminPort}/readyz`);
      expect(readyz.status).toBe(503);
      expect(await readyz.text()).toContain('no routes yet');
      const answer = await answerThroughProxy(proxy, `/api/v1/namespaces/${ns.plain}/configmaps`, {
        token,
      });
      expect(answer.status).toBe(503);
    } finally {
      await proxy.stop();
    }
  });
});
