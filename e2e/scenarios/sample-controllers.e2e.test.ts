import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { givenMutatingWebhook } from '../steps/mutating-webhook.js';
import {
  admittedBy,
  eventuallyLeaseHeldBy,
  eventuallyReconciledBy,
  givenReplicas,
  leaseHolder,
  type ReplicaSet,
  reconciledBy,
  uniqueWatchValue,
  watchLabel,
} from '../steps/sample-controller-replicas.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/free-port.js';
import { adminKubeConfig } from '../support/kube-config.js';
import {
  eventuallyOneLeader,
  type SampleController,
  type SampleControllerKind,
} from '../support/sample-controller.js';
import { uniqueNamespace } from '../support/unique-namespace.js';
import { issueWebhookCertificate } from '../support/webhook-certificate.js';

// Every later scenario puts these two controllers behind the mesh; this file proves that on
// their own, straight against the apiserver, they do what those scenarios will rely on. With no
// proxy to fence them in, each describe gives its controllers a watch value of its own, so they
// never stamp the ConfigMaps that scenarios running in parallel label for theirs.
interface Variant {
  /** Names the describe, namespaces, Lease and webhook of this variant. */
  id: string;
  kind: SampleControllerKind;
  version: string;
  env?: Record<string, string>;
}
const variants: Variant[] = [
  { id: 'go', kind: 'go', version: 'v1' },
  { id: 'ts', kind: 'ts', version: 'v1' },
  // The proxy must also serve protobuf clients; this is the client it will be tested with.
  { id: 'go-protobuf', kind: 'go', version: 'v1-protobuf', env: { KUBE_CONTENT_TYPE: 'protobuf' } },
];

for (const variant of variants) {
  const { id, kind, version } = variant;

  describe(`The ${id} sample controller run as two replicas`, () => {
    const admin = adminKubeConfig();
    const core = admin.makeApiClient(CoreV1Api);
    const lease = `${id}-sample`;
    // Scopes this describe's webhook to its own namespace, whatever else runs in parallel.
    const webhookLabel = { 'e2e.ctrlmesh.io/sample-webhook': id };
    const watchValue = uniqueWatchValue(`${id}-sample`);
    const ours = watchLabel(watchValue);
    let home: string;
    let watched: string[];
    let admitted: string;
    let workDir: string;
    let ports: number[];
    let set: ReplicaSet | undefined;
    let unregister: (() => Promise<void>) | undefined;
    let leader: SampleController;
    let follower: SampleController;

    beforeAll(async () => {
      home = await uniqueNamespace(`${id}-sample`);
      watched = [
        await uniqueNamespace(`${id}-watched-a`),
        await uniqueNamespace(`${id}-watched-b`),
      ];
      admitted = await uniqueNamespace(`${id}-admitted`, webhookLabel);
      workDir = await mkdtemp(path.join(tmpdir(), `ctrlmesh-e2e-${id}-sample-`));
      await issueWebhookCertificate(workDir);
      ports = [await freePort(), await freePort()];
      set = givenReplicas(
        kind,
        2,
        {
          podNamespace: home,
          kubeconfig: inject('kas').admin.kubeconfig,
          logDir: workDir,
          leaderElectionName: lease,
          version,
          watchValue,
          env: variant.env,
        },
        (index) => ({ webhook: { port: ports[index]!, certDir: workDir } }),
      );
    });

    afterAll(async () => {
      await unregister?.();
      await set?.stopAll();
      if (process.env.CTRLMESH_E2E_KEEP === '1') console.log(`e2e: kept ${workDir}`);
      else if (workDir) await rm(workDir, { recursive: true, force: true });
    });

    it('elects exactly one leader, named as the holder of the Lease', async () => {
      leader = await eventuallyOneLeader(set!.replicas);
      follower = set!.replicas.find((replica) => replica !== leader)!;
      await eventuallyLeaseHeldBy(admin, home, lease, leader.podName);

      // Three retry periods later nothing has changed hands.
      await sleep(3_000);
      expect(await follower.claimsLeadership()).toBe(false);
      expect(await leaseHolder(admin, home, lease)).toBe(leader.podName);
    });

    it('reconciles every ConfigMap labelled with its watch value in several namespaces and ignores the others', async () => {
      // Not ours: no label, a value that opts out, and the default value other scenarios use.
      const others = { plain: {}, 'opted-out': watchLabel('false'), 'default-value': watchLabel() };
      for (const namespace of watched) {
        // The others go first, so once the labelled ones are done the controller has had every
        // chance to touch them.
        for (const [name, labels] of Object.entries(others)) {
          await core.createNamespacedConfigMap({ namespace, body: { metadata: { name, labels } } });
        }
        for (const name of ['labelled-1', 'labelled-2']) {
          await core.createNamespacedConfigMap({
            namespace,
            body: { metadata: { name, labels: ours }, data: { key: name } },
          });
        }
      }

      for (const namespace of watched) {
        for (const name of ['labelled-1', 'labelled-2']) {
          await eventuallyReconciledBy(core, namespace, name, `${leader.podName}@${version}`);
        }
        for (const name of Object.keys(others)) {
          const untouched = await core.readNamespacedConfigMap({ name, namespace });
          expect(untouched.metadata?.annotations?.[reconciledBy]).toBeUndefined();
        }
      }
      const followerWrites = (await follower.logEntries()).filter((e) => e.msg === 'reconciled');
      expect(followerWrites).toEqual([]);
    });

    it('annotates new ConfigMaps through its webhook, served by a replica that is not leading', async () => {
      const followerPort = ports[set!.replicas.indexOf(follower)]!;
      unregister = await givenMutatingWebhook(admin, {
        name: `${id}-sample-${admitted}`,
        url: `https://127.0.0.1:${followerPort}/mutate-configmap`,
        caBundle: Buffer.from(await readFile(path.join(workDir, 'ca.crt'))).toString('base64'),
        rules: [
          {
            apiGroups: [''],
            apiVersions: ['v1'],
            operations: ['CREATE'],
            resources: ['configmaps'],
          },
        ],
        namespaceLabels: webhookLabel,
      });
      // The apiserver learns about webhook configurations through an informer; dry runs probe
      // for it without leaving objects behind.
      await eventually(
        async () => {
          const probe = await core.createNamespacedConfigMap({
            namespace: admitted,
            dryRun: 'All',
            body: { metadata: { name: 'probe' } },
          });
          expect(probe.metadata?.annotations?.[admittedBy]).toBe(follower.podName);
        },
        { what: `the ${id} sample webhook to be called on a dry-run create` },
      );

      const created = await core.createNamespacedConfigMap({
        namespace: admitted,
        body: { metadata: { name: 'admitted', annotations: { keep: 'me' } } },
      });
      expect(created.metadata?.annotations).toEqual({ keep: 'me', [admittedBy]: follower.podName });
    });

    it('hands over to the other replica when the leader is killed', async () => {
      expect(await leader.kill()).toEqual({ exitCode: null, signal: 'SIGKILL' });
      // A killed leader cannot release the Lease: the follower waits out its 4 s duration.
      await eventuallyLeaseHeldBy(admin, home, lease, follower.podName);
      expect(await eventuallyOneLeader(set!.replicas)).toBe(follower);

      const [namespace] = watched as [string];
      await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: 'after-handover', labels: ours } },
      });
      await eventuallyReconciledBy(
        core,
        namespace,
        'after-handover',
        `${follower.podName}@${version}`,
      );
      // The new leader also takes over what its predecessor had stamped.
      await eventuallyReconciledBy(core, namespace, 'labelled-1', `${follower.podName}@${version}`);
    });

    it('releases the Lease when the leader is stopped with SIGTERM', async () => {
      expect(await follower.stop()).toEqual({ exitCode: 0, signal: null });
      // Released, not left to expire: a successor would not have to wait out the duration.
      expect(await leaseHolder(admin, home, lease)).toBeUndefined();
    });
  });
}
