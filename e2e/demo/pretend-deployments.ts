import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AppsV1Api,
  CoreV1Api,
  type KubeConfig,
  type V1Deployment,
  type V1Pod,
} from '@kubernetes/client-node';
import { pretendNodeName } from '../support/pretend-kubelet.js';

/**
 * Plays the deployment controller (and the scheduler) for kas, which runs neither: makes each
 * Deployment's pods from its template and writes the Deployment's status as they become Ready.
 */
export interface PretendDeploymentController {
  /** Pods made so far, by Deployment (`namespace/name`). */
  podsOf(namespace: string, name: string): readonly V1Pod[];
  /** Pods that failed to run (they are not retried: empty while all is well). */
  errors(): readonly string[];
  /** Why the last round failed, if it did (it is retried on the next). */
  lastRoundError(): string | undefined;
  /** Stops the loop (the objects stay). */
  stop(): Promise<void>;
}

/** What the controller is told. */
export interface PretendDeploymentOptions {
  /** Called with each pod as the API stored it (injected, if a webhook did): runs it. */
  runPod(pod: V1Pod): Promise<void>;
  /** How often Deployments and pods are read (default 250 ms). */
  periodMs?: number;
}

const podReady = (pod: V1Pod) =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** The label a ReplicaSet's pods carry: a hash of the template they were made from. */
const templateHash = (deployment: V1Deployment) =>
  createHash('sha256')
    .update(JSON.stringify(deployment.spec?.template ?? {}))
    .digest('hex')
    .slice(0, 10);

/**
 * Starts the loop. It keeps each Deployment's template at `replicas` pods (the demo never changes
 * a template, so there is no rollout of a new one, nor scaling down): pods named as a ReplicaSet's would be (`<deployment>-<hash>-<random>`, by
 * generateName, so admission sees them as it sees a ReplicaSet's), bound to the pretend node as
 * no scheduler runs, without the ReplicaSet object. The status it writes is what `kubectl rollout
 * status` reads: observedGeneration, replicas, updated, ready and available replicas, and the
 * Available and Progressing conditions.
 */
export function startPretendDeploymentController(
  admin: KubeConfig,
  options: PretendDeploymentOptions,
): PretendDeploymentController {
  const apps = admin.makeApiClient(AppsV1Api);
  const core = admin.makeApiClient(CoreV1Api);
  const made = new Map<string, V1Pod[]>();
  const problems: string[] = [];
  let roundError: string | undefined;
  let running = true;

  const key = (namespace: string, name: string) => `${namespace}/${name}`;

  // Makes the pods the Deployment still lacks; a refused create (an admission webhook not yet
  // trusted, say) is retried on the next round, as the ReplicaSet controller would.
  const rollOut = async (deployment: V1Deployment, existing: number) => {
    const { name = '', namespace = '' } = deployment.metadata ?? {};
    const pods = made.get(key(namespace, name)) ?? [];
    made.set(key(namespace, name), pods);
    const hash = templateHash(deployment);
    const template = deployment.spec?.template;
    // kas runs without the ServiceAccount admission plugin, which would refuse a pod whose
    // service account does not exist yet (applied after the Deployment, say): wait for it here.
    const account = template?.spec?.serviceAccountName ?? 'default';
    const found = await core
      .readNamespacedServiceAccount({ name: account, namespace })
      .then(() => true)
      .catch(() => false);
    if (!found) return;
    for (let i = existing; i < (deployment.spec?.replicas ?? 1); i++) {
      const created = await core.createNamespacedPod({
        namespace,
        body: {
          metadata: {
            ...template?.metadata,
            generateName: `${name}-${hash}-`,
            labels: { ...template?.metadata?.labels, 'pod-template-hash': hash },
          },
          spec: {
            ...template?.spec,
            nodeName: pretendNodeName,
            containers: template?.spec?.containers ?? [],
          },
        },
      });
      pods.push(created);
      void options.runPod(created).catch((error: unknown) => {
        problems.push(`pod ${namespace}/${created.metadata?.name}: ${String(error)}`);
      });
    }
  };

  const podsMade = (deployment: V1Deployment) =>
    core.listNamespacedPod({
      namespace: deployment.metadata?.namespace ?? '',
      labelSelector: `pod-template-hash=${templateHash(deployment)}`,
    });

  const writeStatus = async (deployment: V1Deployment) => {
    const { name = '', namespace = '' } = deployment.metadata ?? {};
    const replicas = deployment.spec?.replicas ?? 1;
    const list = await podsMade(deployment);
    const ready = list.items.filter(podReady).length;
    const current = deployment.status;
    const generation = deployment.metadata?.generation ?? 1;
    if (
      current?.observedGeneration === generation &&
      (current.readyReplicas ?? 0) === ready &&
      current.replicas === list.items.length
    ) {
      return;
    }
    const now = new Date();
    const available = ready >= replicas;
    await apps.replaceNamespacedDeploymentStatus({
      name,
      namespace,
      body: {
        ...deployment,
        status: {
          observedGeneration: generation,
          replicas: list.items.length,
          updatedReplicas: list.items.length,
          readyReplicas: ready,
          availableReplicas: ready,
          unavailableReplicas: Math.max(0, replicas - ready),
          conditions: [
            {
              type: 'Available',
              status: available ? 'True' : 'False',
              reason: available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
              message: available
                ? 'Deployment has minimum availability.'
                : 'Deployment does not have minimum availability.',
              lastTransitionTime: now,
              lastUpdateTime: now,
            },
            {
              type: 'Progressing',
              status: 'True',
              reason: available ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
              message: `ReplicaSet "${name}-${templateHash(deployment)}" ${available ? 'has successfully progressed' : 'is progressing'}.`,
              lastTransitionTime: now,
              lastUpdateTime: now,
            },
          ],
        },
      },
    });
  };

  const loop = (async () => {
    while (running) {
      try {
        const { items } = await apps.listDeploymentForAllNamespaces();
        for (const deployment of items) {
          const existing = (await podsMade(deployment)).items.length;
          if (existing < (deployment.spec?.replicas ?? 1)) await rollOut(deployment, existing);
          await writeStatus(deployment);
        }
        roundError = undefined;
      } catch (error) {
        // A conflict with an apply of the Deployment, or a pod refused by admission: retried.
        roundError = String(error);
      }
      await sleep(options.periodMs ?? 250);
    }
  })();

  return {
    podsOf: (namespace, name) => made.get(key(namespace, name)) ?? [],
    errors: () => problems,
    lastRoundError: () => roundError,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}
