import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { deployDir, type Manifest } from '../support/deploy-manifests.js';
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

  beforeAll(async () => {
    [base, demo] = await Promise.all([render('base'), render('overlays/local-demo')]);
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
});
