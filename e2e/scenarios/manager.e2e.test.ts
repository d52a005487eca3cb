import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type V1Pod,
  type V1PodCondition,
  type V1ServiceAccount,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenVirtualAppCrd, virtualApps } from '../steps/virtual-app-crd.js';
import {
  applyManifests,
  deleteManifests,
  type Manifest,
  manifestOf,
  placeManifests,
  readDeployManifests,
} from '../support/deploy-manifests.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/free-port.js';
import { adminKubeConfig, serviceAccountKubeConfig } from '../support/kube-config.js';
import {
  eventuallyOneManagerLeader,
  fastManagerLease,
  type ManagerProcess,
  startManagerProcess,
} from '../support/manager-process.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

interface Routing {
  currentRevision: string;
  previousRevision?: string;
  phase: 'Revoking' | 'Settled';
  observedGeneration: number;
}
interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
interface VirtualAppStatus {
  observedGeneration?: number;
  routing?: Routing;
  subsets?: { name: string; pods: number; readyPods: number; updatedPods: number }[];
  conditions?: Condition[];
}

const specWith = (canaryNamespaces: string[], v2Rules = ['canary']) => ({
  selector: { matchLabels: { app: 'web' } },
  route: {
    subRules: [
      {
        name: 'canary',
        match: [
          {
            namespaceSelector: {
              matchExpressions: [
                { key: 'kubernetes.io/metadata.name', operator: 'In', values: canaryNamespaces },
              ],
            },
          },
        ],
      },
    ],
  },
  subsets: [
    { name: 'v1', labels: { version: 'v1' } },
    { name: 'v2', labels: { version: 'v2' }, routeRules: v2Rules },
  ],
});

// The default Lease name, which deploy/rbac/manager.yaml lets the manager get and update.
const LEASE = 'ctrlmesh-manager';
const seconds = (duration: string) =>
  duration.endsWith('ms') ? Number(duration.slice(0, -2)) : Number(duration.slice(0, -1)) * 1000;

describe('The manager, as its deploy/ ServiceAccount, publishes VirtualApps through the apiserver', () => {
  const admin = adminKubeConfig();
  const custom = admin.makeApiClient(CustomObjectsApi);
  const core = admin.makeApiClient(CoreV1Api);
  const apps = admin.makeApiClient(AppsV1Api);
  const leases = admin.makeApiClient(CoordinationV1Api);
  let namespace: string;
  /** The manager's own namespace, holding its ServiceAccount and Lease. */
  let system: string;
  let manifests: Manifest[] | undefined;
  let replicas: ManagerProcess[] = [];
  let leader: ManagerProcess;
  let published: { A: string; B: string };

  const status = async (): Promise<VirtualAppStatus> =>
    (
      (await custom.getNamespacedCustomObject({ ...virtualApps, namespace, name: 'web' })) as {
        status?: VirtualAppStatus;
      }
    ).status ?? {};
  const condition = (s: VirtualAppStatus, type: string) =>
    s.conditions?.find((c) => c.type === type);
  const editSpec = async (spec: unknown) => {
    const current = (await custom.getNamespacedCustomObject({
      ...virtualApps,
      namespace,
      name: 'web',
    })) as { spec: unknown; metadata: { generation: number } };
    await custom.replaceNamespacedCustomObject({
      ...virtualApps,
      namespace,
      name: 'web',
      body: { ...current, spec },
    });
    return current.metadata.generation + 1;
  };
  /** Sets pod conditions as the kubelet (Ready) and the pod's proxy (RoutesApplied) would. */
  const setConditions = async (name: string, conditions: V1PodCondition[]) => {
    const pod = await core.readNamespacedPod({ name, namespace });
    const kept = (pod.status?.conditions ?? []).filter(
      (c) => !conditions.some((n) => n.type === c.type),
    );
    pod.status = { ...pod.status, conditions: [...kept, ...conditions] };
    await core.replaceNamespacedPodStatus({ name, namespace, body: pod });
  };
  const report = (name: string, phase: string, revision: string) =>
    setConditions(name, [
      {
        type: 'ctrlmesh.io/RoutesApplied',
        status: 'True',
        reason: phase,
        message: revision,
        lastTransitionTime: new Date(),
      },
    ]);

  beforeAll(async () => {
    namespace = await uniqueNamespace('manager');
    system = await uniqueNamespace('ctrlmesh-system');
    await givenVirtualAppCrd(admin);
    // The replicas run as the ServiceAccount of deploy/rbac/manager.yaml: its rights suffice.
    manifests = placeManifests(await readDeployManifests('rbac/manager.yaml'), {
      namespaces: { 'ctrlmesh-system': system },
      suffix: randomBytes(3).toString('hex'),
    });
    await applyManifests(admin, manifests);
    const serviceAccount = manifestOf<V1ServiceAccount>(manifests, 'ServiceAccount');
    const logDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-manager-'));
    const kubeconfig = path.join(logDir, 'manager.kubeconfig');
    await writeFile(
      kubeconfig,
      (
        await serviceAccountKubeConfig(admin, system, serviceAccount.metadata?.name ?? '')
      ).exportConfig(),
    );
    for (const identity of ['manager-a', 'manager-b']) {
      replicas.push(
        startManagerProcess({
          identity,
          kubeconfig,
          logDir,
          adminPort: await freePort(),
          args: [
            `--namespace=${namespace}`,
            `--leader-election-namespace=${system}`,
            '--pod-grace-period=30s',
            '--log-level=debug',
          ],
        }),
      );
    }
    for (const [name, version] of [
      ['web-v1-0', 'v1'],
      ['web-v2-0', 'v2'],
    ] as const) {
      const pod: V1Pod = {
        metadata: { name, labels: { app: 'web', version } },
        spec: { containers: [{ name: 'controller', image: 'example.com/controller:1' }] },
      };
      await core.createNamespacedPod({ namespace, body: pod });
      await setConditions(name, [
        { type: 'Ready', status: 'True', lastTransitionTime: new Date() },
      ]);
    }
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.kill()));
    if (manifests) await deleteManifests(admin, manifests);
  });

  it('elects one leader of two replicas, on the Lease', async () => {
    leader = await eventuallyOneManagerLeader(replicas);
    const lease = await leases.readNamespacedLease({ name: LEASE, namespace: system });
    expect(lease.spec?.holderIdentity).toBe(leader.identity);
    const standby = replicas.find((replica) => replica !== leader)!;
    await eventually(
      async () => {
        expect(await leader.metric('ctrlmesh_manager_leader')).toBe(1);
        expect(await standby.metric('ctrlmesh_manager_leader')).toBe(0);
        expect((await fetch(`${standby.adminUrl}/readyz`)).status).toBe(200);
      },
      { what: 'the leader metric and readiness of both replicas' },
    );
  });

  it('publishes a first VirtualApp as a ControllerRevision, Settled at once', async () => {
    const spec = specWith(['canary-a']);
    await custom.createNamespacedCustomObject({
      ...virtualApps,
      namespace,
      body: {
        apiVersion: 'ctrlmesh.io/v1alpha1',
        kind: 'VirtualApp',
        metadata: { name: 'web' },
        spec,
      },
    });
    const routing = await eventually(
      async () => {
        const s = await status();
        expect(s.routing).toMatchObject({ phase: 'Settled', observedGeneration: 1 });
        return s.routing!;
      },
      { what: 'the first revision to be published Settled' },
    );
    expect(routing.currentRevision).toMatch(/^web-[0-9a-f]{10}$/);
    expect(routing.previousRevision).toBeUndefined();
    const revision = await apps.readNamespacedControllerRevision({
      name: routing.currentRevision,
      namespace,
    });
    expect(revision.revision).toBe(1);
    expect(revision.metadata?.labels).toEqual({ 'ctrlmesh.io/virtual-app': 'web' });
    expect(revision.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'VirtualApp', name: 'web', controller: true }),
    ]);
    expect((revision.data as { spec: unknown }).spec).toEqual(spec);
    published = { A: routing.currentRevision, B: '' };

    await report('web-v1-0', 'Settled', published.A);
    await report('web-v2-0', 'Settled', published.A);
    await eventually(
      async () => {
        const s = await status();
        expect(s.subsets).toEqual([
          { name: 'v1', pods: 1, readyPods: 1, updatedPods: 1 },
          { name: 'v2', pods: 1, readyPods: 1, updatedPods: 1 },
        ]);
        expect(condition(s, 'Accepted')).toMatchObject({ status: 'True', reason: 'Valid' });
        expect(condition(s, 'Available')).toMatchObject({ status: 'True' });
        expect(condition(s, 'Degraded')).toMatchObject({ status: 'False' });
      },
      { what: 'subsets to count the pods that report the revision' },
    );
  });

  it('revokes on a spec edit and settles only once every live pod applied Revoking', async () => {
    const generation = await editSpec(specWith(['canary-a', 'canary-b']));
    const revoking = await eventually(
      async () => {
        const s = await status();
        expect(s.routing).toMatchObject({
          phase: 'Revoking',
          previousRevision: published.A,
          observedGeneration: generation,
        });
        return s.routing!;
      },
      { what: 'the edit to be published as Revoking' },
    );
    published.B = revoking.currentRevision;
    expect(published.B).not.toBe(published.A);

    // One proxy applies Revoking; the other lags, so the manager waits and names it.
    await report('web-v1-0', 'Revoking', published.B);
    await eventually(
      async () => {
        const s = await status();
        expect(condition(s, 'Progressing')).toMatchObject({
          status: 'True',
          reason: 'Revoking',
          message: `revision ${published.B} replaces ${published.A}: 1 of 2 live pods applied Revoking; waiting for web-v2-0`,
        });
      },
      { what: 'Progressing to name the pod that lags' },
    );
    expect((await status()).routing?.phase).toBe('Revoking');

    await report('web-v2-0', 'Revoking', published.B);
    await eventually(
      async () => {
        const s = await status();
        expect(s.routing).toEqual({
          currentRevision: published.B,
          previousRevision: published.A,
          phase: 'Settled',
          observedGeneration: generation,
        });
        expect(condition(s, 'Progressing')).toMatchObject({ status: 'False', reason: 'Settled' });
      },
      { what: 'Settled once both pods applied Revoking' },
    );
  });

  it('does not publish an invalid edit: Accepted=False with the problem, routing unchanged', async () => {
    const before = (await status()).routing;
    const generation = await editSpec(specWith(['canary-a'], ['nope']));
    await eventually(
      async () => {
        const s = await status();
        expect(s.observedGeneration).toBe(generation);
        expect(condition(s, 'Accepted')).toMatchObject({
          status: 'False',
          reason: 'InvalidSpec',
          message: `generation ${generation} is not published (revision ${published.B} stays published): spec.subsets[1].routeRules[0]: unknown sub-rule "nope"`,
        });
        expect(s.routing).toEqual(before);
      },
      { what: 'Accepted=False for the invalid edit' },
    );
    const revisions = await apps.listNamespacedControllerRevision({
      namespace,
      labelSelector: 'ctrlmesh.io/virtual-app=web',
    });
    expect(revisions.items.map((r) => r.metadata?.name).sort()).toEqual(
      [published.A, published.B].sort(),
    );
  });

  it('writes only from the leader, and the other replica takes over when the leader is killed', async () => {
    const standby = replicas.find((replica) => replica !== leader)!;
    const writes = (entries: { msg: string }[]) =>
      entries.filter((e) => e.msg === 'published routing' || e.msg === 'created revision');
    expect(writes(await leader.logEntries()).length).toBeGreaterThanOrEqual(4);
    expect(writes(await standby.logEntries())).toEqual([]);

    const killedAt = Date.now();
    await leader.kill();
    await eventually(async () => expect(await standby.claimsLeadership()).toBe(true), {
      what: `${standby.identity} to take over`,
      timeoutMs: 20_000,
      intervalMs: 50,
    });
    const startedAt = Date.parse(
      (await standby.logEntries()).filter((e) => e.msg === 'started leading').at(-1)!.time,
    );
    // The standby sees the last renewal within one retry period, waits one lease duration from
    // then on its own clock, and notices at its next retry: one lease duration, plus the two
    // retry periods that bound when it can observe.
    const bound =
      seconds(fastManagerLease.leaseDuration) + 2 * seconds(fastManagerLease.retryPeriod);
    expect(startedAt - killedAt).toBeLessThanOrEqual(bound);
    const lease = await leases.readNamespacedLease({ name: LEASE, namespace: system });
    expect(lease.spec?.holderIdentity).toBe(standby.identity);

    // The new leader writes: a rollback to A during Settled(B) is a new handover from B.
    const generation = await editSpec(specWith(['canary-a']));
    await eventually(
      async () => {
        const s = await status();
        expect(s.routing).toEqual({
          currentRevision: published.A,
          previousRevision: published.B,
          phase: 'Revoking',
          observedGeneration: generation,
        });
        expect(condition(s, 'Accepted')).toMatchObject({ status: 'True' });
      },
      { what: 'the new leader to publish the rollback' },
    );
    expect(writes(await standby.logEntries()).length).toBeGreaterThan(0);
  });

  it('does not wait for a pod not Ready past the grace period, and names it', async () => {
    // The kubelet reports web-v2-0 not Ready for a minute already (its proxy died); the other
    // pod applies the rollback's Revoking state.
    await setConditions('web-v2-0', [
      { type: 'Ready', status: 'False', lastTransitionTime: new Date(Date.now() - 60_000) },
    ]);
    await report('web-v1-0', 'Revoking', published.A);
    await eventually(
      async () => {
        const s = await status();
        expect(s.routing).toMatchObject({
          currentRevision: published.A,
          previousRevision: published.B,
          phase: 'Settled',
        });
        expect(condition(s, 'Degraded')).toMatchObject({ status: 'True', reason: 'PodsNotReady' });
        expect(condition(s, 'Degraded')?.message).toMatch(/^web-v2-0 has not been Ready for 1m\ds/);
        expect(condition(s, 'Progressing')?.message).toContain('not waiting for web-v2-0');
      },
      { what: 'Settled without the pod that is not Ready, named in Degraded' },
    );
  });

  it('releases the Lease when stopped with SIGTERM', async () => {
    const standby = replicas.find((replica) => replica !== leader)!;
    expect(await standby.stop()).toEqual({ exitCode: 0, signal: null });
    const lease = await leases.readNamespacedLease({ name: LEASE, namespace: system });
    expect(lease.spec?.holderIdentity ?? '').toBe('');
    replicas = [];
  });
});
