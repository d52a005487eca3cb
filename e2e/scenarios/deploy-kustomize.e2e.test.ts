import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  deleteManifests,
  deployDir,
  type Manifest,
  placeManifests,
  standInFor,
} from '../support/deploy-manifests.js';
import { adminKubeConfig } from '../support/kube-config.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

// `kustomize build`, from kustomize's own library (e2e/kustomize-render, built by e2e:prepare).
const render = async (dir: string): Promise<Manifest[]> => {
  const binary = path.resolve(import.meta.dirname, '../kustomize-render/bin/kustomize-render');
  const { stdout } = await promisify(execFile)(binary, [path.join(deployDir, dir)], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return parseAllDocuments(stdout)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
};

const ids = (manifests: readonly Manifest[]) =>
  manifests.map((m) => `${m.kind}/${m.metadata?.name}`).sort();

type Deployment = Manifest & {
  spec: {
    replicas: number;
    template: { spec: { containers: { imagePullPolicy?: string; args: string[] }[] } };
  };
};

describe('deploy/ rendered with kustomize', () => {
  const admin = adminKubeConfig();
  let base: Manifest[];
  let demo: Manifest[];
  const applied: Manifest[] = [];

  beforeAll(async () => {
    [base, demo] = await Promise.all([render('base'), render('overlays/local-demo')]);
  });

  afterAll(async () => {
    // Not the CRDs (every file of the run shares them) nor the namespace (kas has no namespace
    // controller to finish a delete).
    await deleteManifests(
      admin,
      applied.filter((m) => m.kind !== 'CustomResourceDefinition' && m.kind !== 'Namespace'),
    );
  });

  it('gives the base: namespace, CRDs, RBAC, admission policy, the manager and its webhooks', () => {
    expect(ids(base)).toEqual([
      'ClusterRole/ctrlmesh-manager',
      'ClusterRole/ctrlmesh-proxy',
      'ClusterRole/ctrlmesh-proxy-routes',
      'ClusterRoleBinding/ctrlmesh-manager',
      'CustomResourceDefinition/faultinjections.ctrlmesh.io',
      'CustomResourceDefinition/trafficpolicies.ctrlmesh.io',
      'CustomResourceDefinition/virtualapps.ctrlmesh.io',
      'Deployment/ctrlmesh-manager',
      'MutatingWebhookConfiguration/ctrlmesh',
      'Namespace/ctrlmesh-system',
      'NetworkPolicy/ctrlmesh-manager',
      'PodDisruptionBudget/ctrlmesh-manager',
      'Role/ctrlmesh-manager-leader-election',
      'Role/ctrlmesh-manager-webhook-certs',
      'RoleBinding/ctrlmesh-manager-leader-election',
      'RoleBinding/ctrlmesh-manager-webhook-certs',
      'Service/ctrlmesh-manager',
      'ServiceAccount/ctrlmesh-manager',
      'ValidatingAdmissionPolicy/ctrlmesh-pod-bound-token-pod-status',
      'ValidatingAdmissionPolicyBinding/ctrlmesh-pod-bound-token-pod-status',
      'ValidatingWebhookConfiguration/ctrlmesh',
    ]);
  });

  it('gives the local demo one replica that never pulls, and no disruption budget', () => {
    const deployment = demo.find((m) => m.kind === 'Deployment') as Deployment;
    expect(deployment.spec.replicas).toBe(1);
    const [container] = deployment.spec.template.spec.containers;
    expect(container?.imagePullPolicy).toBe('Never');
    expect(container?.args).toContain('--proxy-image-pull-policy=Never');
    expect(ids(demo)).toEqual(ids(base).filter((id) => !id.startsWith('PodDisruptionBudget/')));
  });

  it('applies to the real apiserver (server-side, dry run), every object of the base', async () => {
    // A namespace of this run stands in for ctrlmesh-system, which a dry run would not create.
    const system = await uniqueNamespace('deploy-system');
    const client = KubernetesObjectApi.makeApiClient(admin);
    const placed = base
      .filter((m) => m.kind !== 'Namespace')
      .map((m) => JSON.parse(JSON.stringify(m).replaceAll('"ctrlmesh-system"', `"${system}"`)));
    const applied: string[] = [];
    for (const manifest of placed) {
      await client.patch(
        manifest,
        undefined,
        'All',
        'ctrlmesh-e2e',
        true,
        PatchStrategy.ServerSideApply,
      );
      applied.push(`${manifest.kind}/${manifest.metadata.name}`);
    }
    expect(applied.sort()).toEqual(ids(base).filter((id) => !id.startsWith('Namespace/')));
    const namespace = base.find((m) => m.kind === 'Namespace') as Manifest;
    await client.patch(
      namespace,
      undefined,
      'All',
      'ctrlmesh-e2e',
      true,
      PatchStrategy.ServerSideApply,
    );
  });

  it('applies for real into a fresh namespace, and a dry run of the whole base then changes nothing', async () => {
    // A namespace of this run stands in for ctrlmesh-system; the cluster-scoped objects get this
    // run's suffix, so files applying deploy/ at the same time do not collide.
    const system = await uniqueNamespace('deploy-applied');
    const placed = placeManifests(base, {
      namespaces: { 'ctrlmesh-system': system },
      suffix: randomBytes(3).toString('hex'),
    })
      // Installed webhooks act on the stand-in namespace only, and call its Service (which has no
      // endpoints: no manager runs).
      .map((manifest) => standInFor(manifest, system));
    // The namespace first (the rest lives in it), the CRDs next, as kubectl orders an apply.
    const order = (m: Manifest) =>
      m.kind === 'Namespace' ? 0 : m.kind === 'CustomResourceDefinition' ? 1 : 2;
    placed.sort((a, b) => order(a) - order(b));
    const client = KubernetesObjectApi.makeApiClient(admin);
    const apply = (manifest: Manifest, dryRun?: 'All') =>
      client.patch(
        manifest,
        undefined,
        dryRun,
        'ctrlmesh-e2e',
        true,
        PatchStrategy.ServerSideApply,
      ) as Promise<Manifest>;
    const read = (m: Manifest) =>
      client.read({
        apiVersion: m.apiVersion,
        kind: m.kind,
        metadata: { name: m.metadata?.name ?? '', namespace: m.metadata?.namespace },
      }) as Promise<Manifest>;
    for (const manifest of placed) {
      await apply(manifest);
      applied.push(manifest);
    }

    // Every object is stored, as applied.
    for (const manifest of placed) {
      const stored = await read(manifest);
      expect(stored.metadata?.uid, `${manifest.kind}/${manifest.metadata?.name}`).toBeDefined();
      expect(stored.metadata?.labels ?? {}).toMatchObject(manifest.metadata?.labels ?? {});
    }
    expect(placed.map((m) => m.kind).sort()).toEqual(base.map((m) => m.kind).sort());
    const deployment = (await read(placed.find((m) => m.kind === 'Deployment')!)) as Deployment;
    expect(deployment.spec.replicas).toBe(2);

    // Applying the same again (server-side, dry run) succeeds and would write nothing: each
    // object comes back at the resourceVersion it is stored at.
    for (const manifest of placed) {
      const stored = await read(manifest);
      const again = await apply(manifest, 'All');
      expect(again.metadata?.resourceVersion, `${manifest.kind}/${manifest.metadata?.name}`).toBe(
        stored.metadata?.resourceVersion,
      );
    }
  });
});
