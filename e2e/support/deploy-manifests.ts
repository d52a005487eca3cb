import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

/** The repository's `deploy/` directory: what users apply (CRDs, RBAC, admission policies). */
export const deployDir = path.resolve(import.meta.dirname, '../../deploy');

/** A manifest object as the YAML has it: any kind, with its own fields. */
export type Manifest = KubernetesObject & Record<string, unknown>;

/** Every object of one YAML file under `deploy/` (e.g. `rbac/manager.yaml`), in file order. */
export async function readDeployManifests(file: string): Promise<Manifest[]> {
  const text = await readFile(path.join(deployDir, file), 'utf8');
  return parseAllDocuments(text)
    .map((document) => document.toJS() as Manifest | null)
    .filter((object): object is Manifest => object !== null);
}

/** How the manifests are placed into a test's cluster. */
export interface Placement {
  /** The manifests' namespaces and the test's namespace for each (e.g. `ctrlmesh-system`). */
  namespaces: Record<string, string>;
  /**
   * Appended to the name of every cluster-scoped object but a CustomResourceDefinition, and to
   * the references to it (roleRef, policyName): test files share one kube-apiserver, so two files
   * applying the same ClusterRole, policy or webhook configuration must not collide.
   */
  suffix: string;
}

// Not CustomResourceDefinition: its name is fixed by its group and plural, so every file of a run
// shares the one definition deploy/crds gives (and none deletes it).
const clusterScoped = new Set([
  'ClusterRole',
  'ClusterRoleBinding',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
]);

/**
 * The manifests with their namespaces (metadata and RBAC subjects) replaced and their cluster-scoped
 * names made unique; nothing else is changed, so the test runs what users apply.
 */
export function placeManifests(manifests: readonly Manifest[], placement: Placement): Manifest[] {
  const namespace = (name: string | undefined) =>
    name === undefined ? undefined : (placement.namespaces[name] ?? name);
  const unique = (name: string) => `${name}-${placement.suffix}`;
  return manifests.map((manifest) => {
    const placed = structuredClone(manifest) as Manifest & {
      subjects?: { namespace?: string }[];
      roleRef?: { kind: string; name: string };
      spec?: { policyName?: string };
    };
    const metadata = placed.metadata ?? {};
    if (clusterScoped.has(placed.kind ?? '')) {
      metadata.name = unique(metadata.name ?? '');
    } else if (metadata.namespace !== undefined) {
      metadata.namespace = namespace(metadata.namespace);
    }
    for (const subject of placed.subjects ?? []) {
      subject.namespace = namespace(subject.namespace);
    }
    if (placed.roleRef?.kind === 'ClusterRole') placed.roleRef.name = unique(placed.roleRef.name);
    if (placed.kind === 'ValidatingAdmissionPolicyBinding' && placed.spec?.policyName) {
      placed.spec.policyName = unique(placed.spec.policyName);
    }
    return placed;
  });
}

/** Creates each manifest as `admin`, in order. */
export async function applyManifests(
  admin: KubeConfig,
  manifests: readonly Manifest[],
): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(admin);
  for (const manifest of manifests) await api.create(manifest);
}

/** Deletes each manifest as `admin` (cluster-scoped ones outlive a test file otherwise). */
export async function deleteManifests(
  admin: KubeConfig,
  manifests: readonly Manifest[],
): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(admin);
  for (const manifest of [...manifests].reverse()) {
    await api.delete(manifest).catch((error: { code?: number }) => {
      if (error.code !== 404) throw error;
    });
  }
}

/** The one object of `kind` (and `name`, when given) among `manifests`; throws when there is none. */
export function manifestOf<T = Manifest>(
  manifests: readonly Manifest[],
  kind: string,
  name?: string,
): T {
  const found = manifests.find(
    (manifest) =>
      manifest.kind === kind && (name === undefined || manifest.metadata?.name === name),
  );
  if (!found)
    throw new Error(`no ${kind}${name === undefined ? '' : ` ${name}`} among the manifests`);
  return found as T;
}

/** The part of a webhook configuration a stand-in changes. */
type StandInWebhooks = Manifest & {
  webhooks: {
    clientConfig: { service?: { namespace: string } };
    namespaceSelector?: { matchExpressions?: Record<string, unknown>[] };
  }[];
};

/**
 * A copy of a placed manifest for a namespace that stands in for `ctrlmesh-system`: the
 * Namespace object takes its name (and `labels`), and installed webhooks, which would act on the
 * whole shared apiserver, act on that namespace only and call its Service.
 */
export function standInFor(
  manifest: Manifest,
  system: string,
  labels: Record<string, string> = {},
): Manifest {
  const copy = structuredClone(manifest);
  if (copy.kind === 'Namespace') {
    copy.metadata = {
      ...copy.metadata,
      name: system,
      labels: { ...copy.metadata?.labels, ...labels },
    };
  }
  if (copy.kind?.endsWith('WebhookConfiguration')) {
    for (const hook of (copy as StandInWebhooks).webhooks) {
      if (hook.clientConfig.service !== undefined) hook.clientConfig.service.namespace = system;
      hook.namespaceSelector = {
        ...hook.namespaceSelector,
        matchExpressions: [
          ...(hook.namespaceSelector?.matchExpressions ?? []),
          { key: 'kubernetes.io/metadata.name', operator: 'In', values: [system] },
        ],
      };
    }
  }
  return copy;
}
