import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { runCtrlmesh, startCtrlmesh } from '../support/ctrlmesh-cli.js';
import {
  deleteManifests,
  type Manifest,
  placeManifests,
  standInFor,
} from '../support/deploy-manifests.js';
import { eventually } from '../support/eventually.js';
import { adminKubeConfig } from '../support/kube-config.js';
import { runIdLabel } from '../support/unique-namespace.js';

// `ctrlmesh install`, built, against the real kube-apiserver. kas runs no controller-manager and
// no kubelet: the test writes the Deployment's status as the deployment controller would, and
// the webhooks' caBundle as the manager would. Test files share the apiserver, so most installs
// apply a placed copy of the bundled manifest (-f): its namespace and cluster-scoped names are
// this file's own, and its webhooks act on its own namespace only; the CRDs are shared.

const bundledFile = path.resolve(import.meta.dirname, '../../apps/cli/manifests/install.yaml');

const parse = (text: string): Manifest[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);

const idOf = (m: Manifest): string => {
  const [group] = (m.apiVersion ?? '').includes('/') ? (m.apiVersion ?? '').split('/') : [''];
  return `${m.kind?.toLowerCase()}${group ? `.${group}` : ''}/${m.metadata?.name}`;
};

describe('ctrlmesh install on a live cluster', () => {
  const admin = adminKubeConfig();
  const kas = inject('kas');
  const runId = inject('runId');
  const apps = admin.makeApiClient(AppsV1Api);
  const admission = admin.makeApiClient(AdmissionregistrationV1Api);
  const kubeconfig = ['--kubeconfig', kas.admin.kubeconfig];
  let bundled: Manifest[];
  let dir: string;
  const placedSets: Manifest[][] = [];

  /** The bundled manifest placed in a namespace of its own (not created), written to a file. */
  const placed = async (prefix: string) => {
    const system = `${prefix}-${randomBytes(3).toString('hex')}`;
    const manifests = placeManifests(bundled, {
      namespaces: { 'ctrlmesh-system': system },
      suffix: randomBytes(3).toString('hex'),
    }).map((manifest) => standInFor(manifest, system, { [runIdLabel]: runId }));
    placedSets.push(manifests);
    const file = path.join(dir, `${system}.yaml`);
    await writeFile(file, manifests.map((m) => stringify(m)).join('---\n'));
    const named = (kind: string) => manifests.find((m) => m.kind === kind) as Manifest;
    return {
      system,
      file,
      manifests,
      deployment: `${system}/ctrlmesh-manager`,
      mutating: named('MutatingWebhookConfiguration').metadata?.name ?? '',
      validating: named('ValidatingWebhookConfiguration').metadata?.name ?? '',
    };
  };

  /** What the deployment controller writes once both replicas run the template. */
  const rollOut = async (namespace: string) => {
    const deployment = await apps.readNamespacedDeployment({ name: 'ctrlmesh-manager', namespace });
    await apps.replaceNamespacedDeploymentStatus({
      name: 'ctrlmesh-manager',
      namespace,
      body: {
        ...deployment,
        status: {
          observedGeneration: deployment.metadata?.generation,
          replicas: 2,
          updatedReplicas: 2,
          readyReplicas: 2,
          availableReplicas: 2,
        },
      },
    });
  };

  /** What the manager writes into its webhooks once it runs: their caBundle. */
  const writeCaBundles = async (mutating: string, validating: string) => {
    const ca = Buffer.from(await readFile(kas.caFile)).toString('base64');
    const patch = (count: number) =>
      Array.from({ length: count }, (_, i) => ({
        op: 'add',
        path: `/webhooks/${i}/clientConfig/caBundle`,
        value: ca,
      }));
    await admission.patchMutatingWebhookConfiguration({ name: mutating, body: patch(2) });
    await admission.patchValidatingWebhookConfiguration({ name: validating, body: patch(1) });
  };

  beforeAll(async () => {
    bundled = parse(await readFile(bundledFile, 'utf8'));
    dir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-install-e2e-'));
  });

  afterAll(async () => {
    // Not the CRDs (shared by every file) nor the namespaces (kas cannot finish deleting one).
    for (const manifests of placedSets) {
      await deleteManifests(
        admin,
        manifests.filter((m) => m.kind !== 'CustomResourceDefinition' && m.kind !== 'Namespace'),
      );
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the bundled manifest with -o yaml, in apply order, without a cluster', async () => {
    const result = await runCtrlmesh(['install', '-o', 'yaml']);
    expect(result.code).toBe(0);
    const printed = parse(result.stdout);
    expect(printed.map(idOf).sort()).toEqual(bundled.map(idOf).sort());
    expect(printed.slice(0, 4).map((m) => m.kind)).toEqual([
      'CustomResourceDefinition',
      'CustomResourceDefinition',
      'CustomResourceDefinition',
      'Namespace',
    ]);
    expect(printed.at(-1)?.kind).toMatch(/WebhookConfiguration$/);
  });

  it('checks the bundled manifest with the apiserver in a dry run, and writes nothing', async () => {
    const result = await runCtrlmesh(['install', '--dry-run', ...kubeconfig]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(22);
    for (const manifest of bundled) {
      expect(
        lines.some(
          (line) => line.startsWith(`${idOf(manifest)} `) && line.includes('(server dry run'),
        ),
      ).toBe(true);
    }
    expect(lines.at(-1)).toMatch(
      /^dry run: 21 objects of the bundled manifest .* nothing was changed$/,
    );
    const client = KubernetesObjectApi.makeApiClient(admin);
    await expect(
      client.read({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'MutatingWebhookConfiguration',
        metadata: { name: 'ctrlmesh' },
      }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it('installs every object, shows progress while the manager comes up, and then reports them unchanged', async () => {
    const target = await placed('install');
    const nonCrds = target.manifests.filter((m) => m.kind !== 'CustomResourceDefinition');

    // A dry run first: every object would be created, and none is.
    const dry = await runCtrlmesh(['install', '-f', target.file, '--dry-run', ...kubeconfig]);
    expect(dry.code).toBe(0);
    for (const manifest of nonCrds) {
      expect(dry.stdout).toContain(`${idOf(manifest)} created (server dry run`);
    }
    await expect(
      apps.readNamespacedDeployment({ name: 'ctrlmesh-manager', namespace: target.system }),
    ).rejects.toMatchObject({ code: 404 });

    const install = startCtrlmesh([
      'install',
      '-f',
      target.file,
      '--timeout',
      '60s',
      ...kubeconfig,
    ]);
    // The CLI waits for the rollout before anything is written; then the cluster moves on.
    await eventually(
      () => {
        if (!install.stderr().includes(`waiting for deployment ${target.deployment}: `)) {
          throw new Error(`stderr so far: ${install.stderr()}`);
        }
      },
      { what: 'install to wait for the manager' },
    );
    expect(install.stderr()).toContain(
      `waiting for deployment ${target.deployment}: the deployment controller has not seen generation 1 yet (and 2 more)\n`,
    );
    await rollOut(target.system);
    await writeCaBundles(target.mutating, target.validating);
    const installed = await install.exited;
    expect(installed.code).toBe(0);
    for (const manifest of nonCrds)
      expect(installed.stdout).toContain(`${idOf(manifest)} created\n`);
    expect(installed.stdout).toContain(
      `deployment ${target.deployment}: rolled out, 2 of 2 replicas available\n`,
    );
    expect(installed.stdout).toContain(
      `mutatingwebhookconfiguration ${target.mutating}: caBundle written by the manager\n`,
    );
    expect(installed.stdout).toMatch(
      /installed: 21 objects of .* \(\d+ created, \d+ configured, \d+ unchanged\); the manager is ready\n$/,
    );
    const client = KubernetesObjectApi.makeApiClient(admin);
    for (const manifest of target.manifests) {
      const stored = await client.read({
        apiVersion: manifest.apiVersion,
        kind: manifest.kind,
        metadata: { name: manifest.metadata?.name ?? '', namespace: manifest.metadata?.namespace },
      });
      expect(stored.metadata?.uid, idOf(manifest)).toBeDefined();
    }
    // Applied server-side as field manager ctrlmesh (an object with nothing but a name, like the
    // ServiceAccount, keeps no entry: the apiserver drops entries that own no field).
    const deployment = await apps.readNamespacedDeployment({
      name: 'ctrlmesh-manager',
      namespace: target.system,
    });
    expect(deployment.metadata?.managedFields).toContainEqual(
      expect.objectContaining({ manager: 'ctrlmesh', operation: 'Apply' }),
    );

    // Again: nothing changes, the manager's caBundle stays, and there is nothing left to wait for.
    const again = await runCtrlmesh(['install', '-f', target.file, ...kubeconfig]);
    expect(again.code).toBe(0);
    for (const manifest of nonCrds) expect(again.stdout).toContain(`${idOf(manifest)} unchanged\n`);
    expect(again.stdout).toContain('the manager is ready\n');
    const mutating = await admission.readMutatingWebhookConfiguration({ name: target.mutating });
    expect(mutating.webhooks?.every((w) => (w.clientConfig.caBundle ?? '') !== '')).toBe(true);

    // A dry run now says the same: unchanged, as the apiserver answers.
    const dryAgain = await runCtrlmesh(['install', '-f', target.file, '--dry-run', ...kubeconfig]);
    expect(dryAgain.code).toBe(0);
    for (const manifest of nonCrds) {
      expect(dryAgain.stdout).toContain(`${idOf(manifest)} unchanged (server dry run)\n`);
    }
  });

  it('gives up at --timeout and names the Deployment and the webhooks that are not ready', async () => {
    const target = await placed('install-timeout');
    const result = await runCtrlmesh([
      'install',
      '-f',
      target.file,
      '--timeout',
      '3s',
      ...kubeconfig,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `error: not ready within 3s:\n  deployment ${target.deployment}: the deployment controller has not seen generation 1 yet\n`,
    );
    expect(result.stderr).toContain(
      `  validatingwebhookconfiguration ${target.validating}: no caBundle yet for virtualapps.ctrlmesh.io (the manager writes it once it runs)\n`,
    );
    expect(result.stderr).toContain(
      `  mutatingwebhookconfiguration ${target.mutating}: no caBundle yet for pods.inject.ctrlmesh.io, namespaces.inject.ctrlmesh.io`,
    );
    expect(result.stdout).toContain('installed, not ready: 21 objects');
  });

  it('names the object RBAC forbids and exits 4', async () => {
    const target = await placed('install-denied');
    const alice = kas.users.find((u) => u.name === 'alice');
    const result = await runCtrlmesh([
      'install',
      '-f',
      target.file,
      '--kubeconfig',
      alice?.kubeconfig ?? '',
    ]);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(
      /^ctrlmesh: cannot apply customresourcedefinition\.apiextensions\.k8s\.io\/virtualapps\.ctrlmesh\.io: GET .*: 403 .*forbidden/,
    );
    expect(result.stdout).toBe('');
  });
});
