import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { canaryVirtualApp } from '../steps/canary-virtual-app.js';
import {
  type ControlPlane,
  editVirtualApp,
  eventuallySettled,
  givenControlPlane,
  givenMeshedPod,
  type MeshedPod,
  virtualAppStatus,
} from '../steps/control-plane.js';
import {
  eventuallyReconciledBy,
  reconciledBy,
  watchLabel,
} from '../steps/sample-controller-replicas.js';
import { virtualApps } from '../steps/virtual-app-crd.js';
import { eventually } from '../support/eventually.js';
import { adminKubeConfig } from '../support/kube-config.js';
import { eventuallyOneManagerLeader } from '../support/manager-process.js';
import { startOwnershipChecker } from '../support/ownership-checker.js';
import { type PretendKubelet, startPretendKubelet } from '../support/pretend-kubelet.js';
import { answerThroughProxy } from '../support/proxy-request.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

const DEFAULT = '(default)';
const APP = 'go-sample';

// Issue 14, end to end: a VirtualApp object, two manager replicas and three meshed pods (v1 x2, v2
// x1), each with its proxy in cluster mode and the Go sample controller behind it; the harness
// plays kubelet. Rules change only by editing the object.
describe('The control plane: a VirtualApp object drives every proxy through the apiserver', () => {
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const scope = { 'e2e.ctrlmesh.io/scenario': `control-plane-${randomBytes(3).toString('hex')}` };
  const lock = 'go-sample-mesh';
  let workDir: string;
  let plane: ControlPlane;
  let kubelet: PretendKubelet;
  const pods: MeshedPod[] = [];
  /** Namespaces of the story: `team-*` start in the default subset, `canary-*` in v2. */
  const teams: string[] = [];
  let canary: string;
  /** The revision the first spec was published as. */
  let firstRevision: string;

  const spec = (moved: readonly string[] = []) =>
    (
      canaryVirtualApp({
        name: APP,
        namespace: '',
        lock,
        scope,
        widenedBy: moved.map((name) => ({ namespaceRegex: `^${name}$` })),
      }) as { spec: unknown }
    ).spec;
  const edit = (moved: readonly string[]) => editVirtualApp(admin, plane.home, APP, spec(moved));
  const status = () => virtualAppStatus(admin, plane.home, APP);
  const podNamed = (name: string) => pods.find((p) => p.pod.name === name)!;
  const routesApplied = async (name: string) =>
    (await core.readNamespacedPod({ name, namespace: plane.home })).status?.conditions?.find(
      (c) => c.type === 'ctrlmesh.io/RoutesApplied',
    );

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-control-plane-'));
    plane = await givenControlPlane({ admin, workDir, homeLabels: scope });
    await eventuallyOneManagerLeader(plane.managers);
    for (let i = 0; i < 3; i++) teams.push(await uniqueNamespace('team', scope));
    canary = await uniqueNamespace('canary', scope);
    for (const namespace of [...teams, canary]) {
      await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: 'settings', labels: watchLabel() } },
      });
    }
    await admin.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      ...virtualApps,
      namespace: plane.home,
      body: {
        apiVersion: 'ctrlmesh.io/v1alpha1',
        kind: 'VirtualApp',
        metadata: { name: APP },
        spec: spec(),
      },
    });
    firstRevision = (await eventuallySettled(admin, plane.home, APP, 1)).currentRevision;
    kubelet = startPretendKubelet(admin, { workDir });
    for (const [name, version] of [
      ['go-sample-v1-0', 'v1'],
      ['go-sample-v1-1', 'v1'],
      ['go-sample-v2-0', 'v2'],
    ] as const) {
      pods.push(
        await givenMeshedPod({
          kubelet,
          controlPlane: plane,
          workDir,
          name,
          labels: { app: APP, version },
          version,
          virtualAppName: APP,
          leaderElectionName: lock,
        }),
      );
    }
  });

  afterAll(async () => {
    await Promise.all(pods.map((p) => p.controller.stop()));
    await Promise.all(pods.map((p) => p.proxy.stop()));
    await kubelet?.stop();
    await plane?.stop();
    if (process.env.CTRLMESH_E2E_KEEP === '1') console.log(`e2e: kept ${workDir}`);
    else if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('publishes the VirtualApp; every proxy reports it on its pod, which becomes Ready', async () => {
    const { routing } = await status();
    for (const { pod } of pods) {
      await eventually(
        async () => {
          const applied = await routesApplied(pod.name);
          expect(applied).toMatchObject({
            status: 'True',
            reason: 'Settled',
            message: routing?.currentRevision,
          });
          const ready = (
            await core.readNamespacedPod({ name: pod.name, namespace: pod.namespace })
          ).status?.conditions?.find((c) => c.type === 'Ready');
          expect(ready?.status).toBe('True');
        },
        { what: `${pod.name} to report the published revision and be Ready` },
      );
    }
    await eventually(
      async () => {
        const s = await status();
        expect(s.subsets).toEqual(
          expect.arrayContaining([
            { name: DEFAULT, pods: 2, readyPods: 2, updatedPods: 2 },
            { name: 'v2', pods: 1, readyPods: 1, updatedPods: 1 },
          ]),
        );
        expect(s.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');
      },
      { what: 'status to count every pod as ready and updated' },
    );
  });

  it('widens the canary and rolls it back by editing the object, without restarting a pod', async () => {
    const pids = pods.map((p) => [p.proxy.pid, p.controller.running()]);
    const v2 = `go-sample-v2-0@v2`;
    const v1Stamp = /^go-sample-v1-[01]@v1$/;
    await eventuallyReconciledBy(core, canary, 'settings', v2, 60_000);
    for (const team of teams) {
      await eventually(
        async () => {
          const cm = await core.readNamespacedConfigMap({ name: 'settings', namespace: team });
          expect(cm.metadata?.annotations?.[reconciledBy]).toMatch(v1Stamp);
        },
        { what: `${team} to be reconciled by v1`, timeoutMs: 60_000 },
      );
    }
    const widened = await edit([teams[0]!]);
    await eventuallySettled(admin, plane.home, APP, widened);
    await eventuallyReconciledBy(core, teams[0]!, 'settings', v2, 60_000);
    const rolledBack = await edit([]);
    const routing = await eventuallySettled(admin, plane.home, APP, rolledBack);
    await eventually(
      async () => {
        const cm = await core.readNamespacedConfigMap({ name: 'settings', namespace: teams[0]! });
        expect(cm.metadata?.annotations?.[reconciledBy]).toMatch(v1Stamp);
      },
      { what: `${teams[0]} to be reconciled by v1 again`, timeoutMs: 60_000 },
    );
    // The rollback republished the first revision (same spec, same name): history is reused.
    expect(routing.currentRevision).toBe(firstRevision);
    expect(pods.map((p) => [p.proxy.pid, p.controller.running()])).toEqual(pids);
  });

  it('never lets two subsets see one object during 20 rule changes under churn', async () => {
    const checker = startOwnershipChecker({
      views: pods.map((p) => ({ subset: p.version === 'v2' ? 'v2' : DEFAULT, proxy: p.proxy })),
      collection: '/api/v1/configmaps?labelSelector=e2e.ctrlmesh.io%2Fchurn%3Dyes',
      token: inject('kas').admin.token,
    });
    const live = new Map<string, string>(); // key -> namespace
    let churning = true;
    const churn = (async () => {
      for (let i = 0; churning; i++) {
        const namespace = teams[i % teams.length]!;
        const name = `churn-${i % 12}`;
        const key = `${namespace}/${name}`;
        try {
          if (live.has(key) && i % 3 === 0) {
            await core.deleteNamespacedConfigMap({ name, namespace });
            live.delete(key);
          } else if (live.has(key)) {
            await core.replaceNamespacedConfigMap({
              name,
              namespace,
              body: {
                metadata: { name, labels: { 'e2e.ctrlmesh.io/churn': 'yes' } },
                data: { i: String(i) },
              },
            });
          } else {
            await core.createNamespacedConfigMap({
              namespace,
              body: {
                metadata: { name, labels: { 'e2e.ctrlmesh.io/churn': 'yes' } },
                data: { i: String(i) },
              },
            });
            live.set(key, namespace);
          }
        } catch {
          // A conflict with the controllers' own writes: the next round goes on.
        }
        await sleep(40);
      }
    })();
    const owner = (moved: readonly string[], namespace: string) =>
      moved.includes(namespace) ? 'v2' : DEFAULT;
    const handoverMs: number[] = [];
    try {
      await checker.synced;
      let moved: string[] = [];
      for (let change = 0; change < 20; change++) {
        // Each change moves one team namespace to v2 or back.
        const team = teams[change % teams.length]!;
        moved = moved.includes(team) ? moved.filter((t) => t !== team) : [...moved, team];
        const startedAt = Date.now();
        const generation = await edit(moved);
        await eventuallySettled(admin, plane.home, APP, generation);
        // Every live object is owned again, by the subset the new rules name, and only by it.
        const keysOfTeam = () => [...live].filter(([, ns]) => ns === team).map(([key]) => key);
        await eventually(
          () => {
            for (const [key, namespace] of live) {
              expect(checker.ownersOf(key), key).toEqual([owner(moved, namespace)]);
            }
          },
          { what: `every object to be owned once after change ${change}`, intervalMs: 50 },
        );
        // Handover time: from the edit until the moved namespace's objects were visible to their
        // new owner alone (read from the checker's history, not from the poll above).
        const settledAt = keysOfTeam().map(
          (key) =>
            checker
              .history(key)
              .filter((h) => h.at >= startedAt)
              .find((h) => h.subsets.join() === owner(moved, team))?.at ?? Date.now(),
        );
        handoverMs.push(Math.max(0, ...settledAt.map((at) => at - startedAt)));
      }
    } finally {
      churning = false;
      await churn;
      await checker.stop();
    }
    const sorted = [...handoverMs].sort((a, b) => a - b);
    const quantile = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    console.log(
      `control-plane: handover over 20 changes with 3 pods: p50 ${quantile(0.5)} ms, p99 ${quantile(0.99)} ms (${handoverMs.join(', ')})`,
    );
    const overlaps = checker.overlaps();
    for (const overlap of overlaps) {
      console.log('overlap', JSON.stringify(overlap), JSON.stringify(checker.history(overlap.key)));
    }
    expect(overlaps).toEqual([]);
    expect(checker.errors()).toEqual([]);
    expect(checker.keys().length).toBeGreaterThan(10);
  });

  it('does not publish a spec that fails validation; proxies keep the last good revision', async () => {
    const before = await status();
    const bad = {
      ...(spec() as Record<string, unknown>),
      subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['no-such-rule'] }],
    };
    await editVirtualApp(admin, plane.home, APP, bad);
    const accepted = await eventually(
      async () => {
        const condition = (await status()).conditions?.find((c) => c.type === 'Accepted');
        expect(condition?.status).toBe('False');
        return condition!;
      },
      { what: 'Accepted=False' },
    );
    expect(accepted.message).toContain('spec.subsets[0].routeRules[0]');
    expect((await status()).routing).toEqual(before.routing);
    for (const { pod } of pods) {
      expect(await routesApplied(pod.name)).toMatchObject({
        status: 'True',
        message: before.routing?.currentRevision,
      });
    }
    const fixed = await edit([]);
    await eventually(
      async () =>
        expect((await status()).conditions?.find((c) => c.type === 'Accepted')?.status).toBe(
          'True',
        ),
      { what: 'Accepted=True again' },
    );
    await eventuallySettled(admin, plane.home, APP, fixed);
  });

  it('keeps enforcing while every manager is down; edits wait and converge when one is back', async () => {
    await Promise.all(plane.managers.map((manager) => manager.kill()));
    plane.managers.splice(0);
    const before = (await status()).routing;
    const generation = await edit([teams[1]!]);
    // Nothing publishes the edit, and every pod keeps the revision it had.
    await sleep(3_000);
    expect((await status()).routing).toEqual(before);
    for (const { pod } of pods) {
      expect((await routesApplied(pod.name))?.message).toBe(before?.currentRevision);
    }
    // Enforcement goes on: v1 still may not read the canary's objects, v2 still may.
    const token = inject('kas').admin.token;
    const read = (p: MeshedPod) =>
      answerThroughProxy(p.proxy, `/api/v1/namespaces/${canary}/configmaps/settings`, { token });
    expect((await read(podNamed('go-sample-v1-0'))).status).toBe(403);
    expect((await read(podNamed('go-sample-v2-0'))).status).toBe(200);
    plane.startManager('manager-back');
    const routing = await eventuallySettled(admin, plane.home, APP, generation);
    expect(routing.currentRevision).not.toBe(before?.currentRevision);
    await eventuallyReconciledBy(core, teams[1]!, 'settings', 'go-sample-v2-0@v2', 60_000);
  });

  it('lets the other replica take over when the leader is killed', async () => {
    plane.startManager('manager-standby');
    const leader = await eventuallyOneManagerLeader(plane.managers);
    const killedAt = Date.now();
    await leader.kill();
    const next = await eventuallyOneManagerLeader(plane.managers.filter((m) => m !== leader));
    console.log(`control-plane: leader takeover after ${Date.now() - killedAt} ms`);
    const generation = await edit([]);
    await eventuallySettled(admin, plane.home, APP, generation);
    expect(await next.claimsLeadership()).toBe(true);
  });

  it('names a pod that never reports, and does not let it hold the handover past the grace period', async () => {
    const silent = podNamed('go-sample-v1-1');
    await silent.proxy.kill();
    await kubelet.markContainersNotReady(silent.pod, 'ctrlmesh-proxy');
    const generation = await edit([teams[2]!]);
    // Revoking waits for every live pod; status says which one it waits for.
    await eventually(
      async () => {
        const s = await status();
        expect(s.routing).toMatchObject({ phase: 'Revoking', observedGeneration: generation });
        expect(JSON.stringify(s.conditions)).toContain('go-sample-v1-1');
      },
      { what: 'status to name the silent pod while Revoking' },
    );
    // Not Ready past the grace period (5 s here): it no longer holds the handover.
    await eventuallySettled(admin, plane.home, APP, generation, 30_000);
    await eventuallyReconciledBy(core, teams[2]!, 'settings', 'go-sample-v2-0@v2', 60_000);
    // Back: its proxy reads the published state and reports it.
    await silent.proxy.restart();
    await kubelet.markContainersReady(silent.pod);
    const { routing } = await status();
    await eventually(
      async () =>
        expect(await routesApplied(silent.pod.name)).toMatchObject({
          status: 'True',
          reason: 'Settled',
          message: routing?.currentRevision,
        }),
      { what: 'the silent pod to report the current revision once back' },
    );
  });
});
