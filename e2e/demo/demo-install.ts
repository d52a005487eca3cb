import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { type KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { parseAllDocuments, stringify } from 'yaml';
import { deployDir, type Manifest } from '../support/deploy-manifests.js';

/** `kustomize build`, from kustomize's own library (e2e/kustomize-render, built by e2e:prepare). */
const kustomizeRender = path.resolve(
  import.meta.dirname,
  '../kustomize-render/bin/kustomize-render',
);

/** The overlay the demo installs. */
export const demoOverlay = 'overlays/local-demo';

/** The manager's webhook port, as deploy/manager/deployment.yaml declares it. */
export const managerWebhookPort = 9443;

type WebhookConfiguration = Manifest & {
  webhooks: { clientConfig: { url?: string; service?: { path?: string } } }[];
};

type ManagerDeployment = Manifest & {
  spec: {
    template: {
      spec: {
        containers: { args?: string[]; ports?: { name?: string; containerPort: number }[] }[];
      };
    };
  };
};

/** Renders `deploy/<overlay>` as `kustomize build` does. */
export async function renderDeploy(overlay = demoOverlay): Promise<Manifest[]> {
  const { stdout } = await promisify(execFile)(kustomizeRender, [path.join(deployDir, overlay)], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return parseAllDocuments(stdout)
    .map((document) => document.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);
}

/**
 * The rendered manifests with what this machine needs, and nothing else: kube-apiserver cannot
 * reach a Service here (no Service routing, no DNS), so each webhook is called by
 * `url: https://127.0.0.1:<webhookPort><path>`, the manager's certificate also names 127.0.0.1,
 * and the manager listens on `webhookPort` (9443 unless another process has it).
 */
export function forThisMachine(manifests: readonly Manifest[], webhookPort: number): Manifest[] {
  return manifests.map((manifest) => {
    const adjusted = structuredClone(manifest);
    if (adjusted.kind?.endsWith('WebhookConfiguration')) {
      for (const hook of (adjusted as WebhookConfiguration).webhooks) {
        const where = hook.clientConfig.service?.path ?? '/';
        hook.clientConfig = { url: `https://127.0.0.1:${webhookPort}${where}` };
      }
    }
    if (adjusted.kind === 'Deployment' && adjusted.metadata?.name === 'ctrlmesh-manager') {
      const [container] = (adjusted as ManagerDeployment).spec.template.spec.containers;
      if (!container) throw new Error('the manager Deployment has no container');
      container.args = [...(container.args ?? []), '--webhook-url-host=127.0.0.1'];
      if (webhookPort !== managerWebhookPort) {
        container.args.push(`--webhook-port=${webhookPort}`);
        for (const port of container.ports ?? []) {
          if (port.name === 'webhook') port.containerPort = webhookPort;
        }
      }
    }
    return adjusted;
  });
}

/** Writes manifests as one multi-document YAML file (what `ctrlmesh install -f` takes). */
export async function writeManifests(file: string, manifests: readonly Manifest[]): Promise<void> {
  await writeFile(file, manifests.map((manifest) => stringify(manifest)).join('---\n'));
}

/**
 * Server-side applies each manifest as `admin` (field manager `ctrlmesh-demo`), in order, and
 * returns kubectl's line for each (`deployment.apps/ctrlmesh-manager serverside-applied`).
 */
export async function applyServerSide(
  admin: KubeConfig,
  manifests: readonly Manifest[],
): Promise<string[]> {
  const client = KubernetesObjectApi.makeApiClient(admin);
  const lines: string[] = [];
  for (const manifest of manifests) {
    await client.patch(
      manifest,
      undefined,
      undefined,
      'ctrlmesh-demo',
      true,
      PatchStrategy.ServerSideApply,
    );
    const group = manifest.apiVersion?.includes('/') ? `.${manifest.apiVersion.split('/')[0]}` : '';
    lines.push(
      `${manifest.kind?.toLowerCase()}${group}/${manifest.metadata?.name} serverside-applied`,
    );
  }
  return lines;
}
