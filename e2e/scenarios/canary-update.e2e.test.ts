import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canaryVirtualApp } from '../steps/canary-virtual-app.js';
import { givenProxy, givenProxyIdentity, givenVirtualApp, type MeshProxy } from '../steps/proxy.js';
import {
  eventuallyLeaseHeldBy,
  eventuallyReconciledBy,
  leaseHolder,
  reconciledBy,
  watchLabel,
} from '../steps/sample-controller-replicas.js';
import { adminKubeConfig } from '../support/kube-config.js';
import {
  eventuallyOneLeader,
  type SampleController,
  type SampleControllerKind,
  startSampleController,
} from '../support/sample-controller.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

type Kind = 'plain' | 'canary-label' | 'canary-name' | 'system';

// The same story for each client stack the mesh must serve unchanged (DESIGN §1): controller-runtime
// with JSON, controller-runtime with built-in types as protobuf, and client-node.
const variants: { name: string; kind: SampleControllerKind; env: Record<string, string> }[] = [
  { name: 'go', kind: 'go', env: {} },
  { name: 'go-protobuf', kind: 'go', env: { KUBE_CONTENT_TYPE: 'protobuf' } },
  { name: 'ts', kind: 'ts', env: {} },
];

describe.each(variants)(
  'Canary update of a controller ($name sample, v1 x2 + v2 x1)',
  ({ name: variant, kind, env }) => {
    const admin = adminKubeConfig();
    const core = admin.makeApiClient(CoreV1Api);
    // Confines this story to its own namespaces, whatever else the run does in parallel.
    const scenario = { 'e2e.ctrlmesh.io/scenario': `canary-${randomBytes(3).toString('hex')}` };
    const lock = `${variant}-sample-mesh`;
    let workDir: string;
    let home: string;
    let vappFile: string;
    const proxies: MeshProxy[] = [];
    const controllers: SampleController[] = [];
    const namespaces: { name: string; kind: Kind }[] = [];

    const virtualApp = (widenedBy: Record<string, unknown>[] = []) =>
      canaryVirtualApp({
        name: `${variant}-sample`,
        namespace: home,
        lock,
        scope: scenario,
        widenedBy,
      });

    const pods = [
      { podName: `${variant}-v1-0`, version: 'v1' },
      { podName: `${variant}-v1-1`, version: 'v1' },
      { podName: `${variant}-v2-0`, version: 'v2' },
    ];

    beforeAll(async () => {
      workDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-canary-'));
      home = await uniqueNamespace('mesh-home', scenario);
      vappFile = path.join(workDir, 'virtualapp.yaml');
      await givenVirtualApp(vappFile, virtualApp());
      const tokenFile = await givenProxyIdentity(admin, workDir);
      for (const pod of pods) {
        const proxy = await givenProxy({
          podName: pod.podName,
          podNamespace: home,
          podLabels: { app: 'go-sample', version: pod.version },
          virtualAppFile: vappFile,
          tokenFile,
          workDir,
        });
        proxies.push(proxy);
        controllers.push(
          startSampleController({
            kind,
            env,
            podName: pod.podName,
            podNamespace: home,
            kubeconfig: proxy.kubeconfig,
            logDir: workDir,
            version: pod.version,
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

    it('each subset elects its own leader on its own Lease', async () => {
      const v1Leader = await eventuallyOneLeader(controllers.slice(0, 2));
      await eventuallyLeaseHeldBy(admin, home, lock, v1Leader.podName);
      await eventuallyLeaseHeldBy(admin, home, `${lock}---v2`, `${variant}-v2-0`);
    });

    it('reconciles every labelled ConfigMap by exactly the right version, never in system namespaces', async () => {
      const kinds: Kind[] = ['plain', 'canary-label', 'canary-name', 'system'];
      for (let i = 0; i < 32; i++) {
        const kind = kinds[randomBytes(1)[0]! % kinds.length]!;
        const labels = {
          ...scenario,
          ...(kind === 'canary-label' ? { 'ns-type': 'canary' } : {}),
          ...(kind === 'system' ? { 'ns-type': 'system' } : {}),
        };
        const name = await uniqueNamespace(
          kind === 'canary-name' ? 'canary' : kind === 'system' ? 'sys' : 'team',
          labels,
        );
        namespaces.push({ name, kind });
        await core.createNamespacedConfigMap({
          namespace: name,
          body: { metadata: { name: 'settings', labels: watchLabel() }, data: { kind } },
        });
      }
      const v1Leader = await eventuallyOneLeader(controllers.slice(0, 2));
      for (const { name, kind } of namespaces) {
        if (kind === 'system') continue;
        const stamp = kind === 'plain' ? `${v1Leader.podName}@v1` : `${variant}-v2-0@v2`;
        await eventuallyReconciledBy(core, name, 'settings', stamp, 60_000);
      }
      // Every other ConfigMap is done; the system ones had the same chance and stayed untouched.
      await sleep(2_000);
      for (const { name, kind } of namespaces.filter((ns) => ns.kind === 'system')) {
        const object = await core.readNamespacedConfigMap({ name: 'settings', namespace: name });
        expect(object.metadata?.annotations?.[reconciledBy], `${kind} ${name}`).toBeUndefined();
      }
      const v2Writes = (await controllers[2]!.logEntries()).filter((e) => e.msg === 'reconciled');
      const canary = new Set(
        namespaces.filter((ns) => ns.kind.startsWith('canary')).map((ns) => ns.name),
      );
      expect(v2Writes.every((entry) => canary.has(String(entry.namespace)))).toBe(true);
    });

    it('widening the canary moves objects to v2 without restarting any pod', async () => {
      const v1Leader = await eventuallyOneLeader(controllers.slice(0, 2));
      await givenVirtualApp(vappFile, virtualApp([{ namespaceRegex: '^team-' }]));
      for (const { name } of namespaces.filter((ns) => ns.kind === 'plain')) {
        await eventuallyReconciledBy(core, name, 'settings', `${variant}-v2-0@v2`, 60_000);
      }
      // v1's cache is exact again (its watches ended with 410 and it re-listed): it does not fight back.
      await sleep(2_000);
      for (const { name } of namespaces.filter((ns) => ns.kind === 'plain')) {
        const object = await core.readNamespacedConfigMap({ name: 'settings', namespace: name });
        expect(object.metadata?.annotations?.[reconciledBy]).toBe(`${variant}-v2-0@v2`);
      }
      // Rolling back is one edit: v1 re-lists and takes them back.
      await givenVirtualApp(vappFile, virtualApp());
      for (const { name } of namespaces.filter((ns) => ns.kind === 'plain')) {
        await eventuallyReconciledBy(core, name, 'settings', `${v1Leader.podName}@v1`, 60_000);
      }
      expect(controllers.every((controller) => controller.running())).toBe(true);
    });

    it('labelling a namespace canary moves its objects to v2', async () => {
      const plain = namespaces.find((ns) => ns.kind === 'plain');
      if (!plain) return;
      await core.patchNamespace(
        { name: plain.name, body: { metadata: { labels: { 'ns-type': 'canary' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await eventuallyReconciledBy(core, plain.name, 'settings', `${variant}-v2-0@v2`, 60_000);
      plain.kind = 'canary-label';
    });

    it('killing the v1 leader hands over within v1 only', async () => {
      const v1Leader = await eventuallyOneLeader(controllers.slice(0, 2));
      const other = controllers.slice(0, 2).find((c) => c !== v1Leader)!;
      await v1Leader.kill();
      await eventuallyLeaseHeldBy(admin, home, lock, other.podName);
      expect(await leaseHolder(admin, home, `${lock}---v2`)).toBe(`${variant}-v2-0`);
      const plain = namespaces.find((ns) => ns.kind === 'plain');
      if (plain)
        await eventuallyReconciledBy(core, plain.name, 'settings', `${other.podName}@v1`, 60_000);
    });
  },
);
