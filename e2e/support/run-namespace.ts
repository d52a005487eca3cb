import { randomBytes } from 'node:crypto';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';

/** Label on every namespace an e2e run creates, with the run's id as value. */
export const runIdLabel = 'e2e.ctrlmesh.io/run-id';

/** Who creates a run's namespaces, and the run id they are labelled with. */
export interface RunNamespaces {
  admin: KubeConfig;
  runId: string;
}

/**
 * Creates a namespace `<prefix>-<random>` labelled with the run id (plus `labels`) and returns its
 * name. Namespaces are never deleted: without kube-controller-manager they would stay Terminating,
 * and the whole etcd goes away with the run.
 */
export async function createRunNamespace(
  { admin, runId }: RunNamespaces,
  prefix: string,
  labels: Record<string, string> = {},
): Promise<string> {
  // 63 characters is the DNS label limit; 6 go to "-" and the suffix.
  if (!/^[a-z0-9]([-a-z0-9]{0,55}[a-z0-9])?$/.test(prefix)) {
    throw new Error(`namespace prefix "${prefix}" is not a DNS label of at most 57 characters`);
  }
  const name = `${prefix}-${randomBytes(3).toString('hex').slice(0, 5)}`;
  await admin
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name, labels: { ...labels, [runIdLabel]: runId } } } });
  return name;
}
