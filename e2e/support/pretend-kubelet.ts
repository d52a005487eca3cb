import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CoreV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Container,
  type V1ContainerStatus,
  type V1Pod,
  Watch,
} from '@kubernetes/client-node';
import { eventually } from './eventually.js';
import { podReadiness, showsCondition } from './pod-readiness.js';

/** The readiness gate a meshed pod carries; its proxy reports it (DESIGN §6). */
export const routesAppliedCondition = 'ctrlmesh.io/RoutesApplied';

/** The native sidecar's name, as injection names it. */
export const proxyContainerName = 'ctrlmesh-proxy';

/** The controller's container. */
export const controllerContainerName = 'controller';

/** The node the pretend pods are bound to (no Node object exists; kas does not need one). */
export const pretendNodeName = 'pretend-node';

/** The IP every pretend pod reports: its processes listen on loopback. */
export const pretendPodIp = '127.0.0.1';

/** A pod the pretend kubelet runs. */
export interface PretendPodOptions {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  /** Must exist: its token is issued with TokenRequest. */
  serviceAccountName: string;
  /** Lifetime of the bound token (default 3600 s; it is not refreshed). */
  tokenExpirationSeconds?: number;
}

/** A pod the pretend kubelet started. */
export interface PretendPod {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  /** The pod's bound service-account token (claims `authentication.kubernetes.io/pod-name`, `pod-uid`). */
  readonly token: string;
  /** The same token in a file, for the pod's proxy and controller processes. */
  readonly tokenFile: string;
}

/**
 * Plays kubelet for Pod objects on kas (which has no kubelet): runs them as far as the API can
 * tell and keeps their Ready condition as a kubelet does. The pod's processes (proxy, controller)
 * are started by the test with the token file.
 */
export interface PretendKubelet {
  /**
   * Creates the Pod (labels, service account, the `ctrlmesh.io/RoutesApplied` readiness gate, the
   * proxy as a native sidecar and a controller container), issues its bound token, and reports it
   * Running on 127.0.0.1 with ready containers. Ready then follows the readiness gates.
   */
  startPod(options: PretendPodOptions): Promise<PretendPod>;
  /**
   * Runs a Pod object someone else created (a controller, from a template; the pod's injection
   * already applied): issues its bound token and reports it Running on 127.0.0.1, its containers
   * (the spec's own, native sidecars included) ready unless `ready` is false, in which case they
   * wait for {@link markContainersReady} (a readiness probe that has not passed yet). Ready then
   * follows the readiness gates, as for {@link startPod}.
   */
  runPod(pod: V1Pod, options?: { ready?: boolean }): Promise<PretendPod>;
  /** The proxy container stops being ready (as when the proxy dies): ContainersReady and Ready go False. */
  markContainersNotReady(pod: PretendPod, container?: string): Promise<void>;
  /** The containers are ready again (as when the proxy came back). */
  markContainersReady(pod: PretendPod): Promise<void>;
  /**
   * Deletes the pod as the API and a kubelet do together: a graceful delete, containers reported
   * not ready, then the final delete once "stopped"; resolves when the object is gone.
   */
  deletePod(pod: PretendPod): Promise<void>;
  /** Stops watching every pod (the Pod objects stay). */
  stop(): Promise<void>;
}

/** The kubelet's in-memory view of one pod. */
interface RunningPod {
  pod: PretendPod;
  /** The native sidecars (init containers that keep running) and the containers, by name. */
  sidecars: { name: string; image: string }[];
  containers: { name: string; image: string }[];
  unreadyContainers: Set<string>;
  latest: V1Pod;
  /** Serialises this pod's status writes, so that they apply in order. */
  queue: Promise<void>;
  watch?: AbortController;
  stopped: boolean;
}

const statusPatch = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

const containerStatus = (
  name: string,
  image: string,
  ready: boolean,
  since: Date,
): V1ContainerStatus => ({
  name,
  image,
  imageID: '',
  containerID: `pretend://${name}`,
  ready,
  started: ready,
  restartCount: 0,
  state: ready ? { running: { startedAt: since } } : { waiting: { reason: 'CrashLoopBackOff' } },
});

const proxyImage = 'ctrlmesh/proxy:e2e';
const controllerImage = 'ctrlmesh/controller:e2e';

/**
 * Starts a pretend kubelet that acts with `admin`'s credential (a real kubelet's node identity is
 * not needed for what the tests check) and writes token files into `workDir`.
 */
export function startPretendKubelet(
  admin: KubeConfig,
  { workDir }: { workDir: string },
): PretendKubelet {
  const core = admin.makeApiClient(CoreV1Api);
  const pods = new Map<string, RunningPod>();
  const key = (pod: { namespace: string; name: string }) => `${pod.namespace}/${pod.name}`;

  const writeStatus = async (running: RunningPod, body: object): Promise<void> => {
    running.latest = await core.patchNamespacedPodStatus(
      { name: running.pod.name, namespace: running.pod.namespace, body },
      statusPatch,
    );
  };

  // What a kubelet's status manager does on every change: recompute what it owns and write it
  // only if it differs, leaving other parties' conditions (the readiness gates) alone.
  const sync = async (running: RunningPod): Promise<void> => {
    const pod = running.latest;
    const containersReady = running.unreadyContainers.size === 0;
    const readiness = podReadiness(pod, {
      containersReady,
      unreadyContainers: [...running.unreadyContainers],
      now: new Date(),
    });
    const statuses = [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
    ];
    const containerReadyShown =
      statuses.length === running.sidecars.length + running.containers.length &&
      statuses.every((status) => status.ready === !running.unreadyContainers.has(status.name));
    if (
      containerReadyShown &&
      showsCondition(pod, readiness.containersReady) &&
      showsCondition(pod, readiness.ready)
    ) {
      return;
    }
    const since = new Date(pod.status?.startTime ?? Date.now());
    await writeStatus(running, {
      status: {
        conditions: [readiness.containersReady, readiness.ready],
        initContainerStatuses: running.sidecars.map(({ name, image }) =>
          containerStatus(name, image, !running.unreadyContainers.has(name), since),
        ),
        containerStatuses: running.containers.map(({ name, image }) =>
          containerStatus(name, image, !running.unreadyContainers.has(name), since),
        ),
      },
    });
  };

  const enqueue = (running: RunningPod, work: () => Promise<void>): Promise<void> => {
    const next = running.queue.then(work);
    // A failed write is retried on the next event; the caller of the failed step still sees it.
    running.queue = next.catch(() => undefined);
    return next;
  };

  // The end of a pod: containers "stop", then the object goes (a kubelet's final grace-0 delete).
  const finish = async (running: RunningPod): Promise<void> => {
    running.stopped = true;
    running.watch?.abort();
    running.unreadyContainers = new Set(
      [...running.sidecars, ...running.containers].map(({ name }) => name),
    );
    await sync(running).catch(() => undefined);
    await core
      .deleteNamespacedPod({
        name: running.pod.name,
        namespace: running.pod.namespace,
        // In the body: with a body, kube-apiserver ignores the gracePeriodSeconds query parameter.
        body: { gracePeriodSeconds: 0, preconditions: { uid: running.pod.uid } },
      })
      .catch((error: { code?: number }) => {
        if (error.code !== 404 && error.code !== 409) throw error;
      });
    pods.delete(key(running.pod));
  };

  const watch = async (running: RunningPod): Promise<void> => {
    if (running.stopped) return;
    const { name, namespace } = running.pod;
    let ended = false;
    running.watch = await new Watch(admin).watch(
      `/api/v1/namespaces/${namespace}/pods`,
      {
        fieldSelector: `metadata.name=${name}`,
        resourceVersion: running.latest.metadata?.resourceVersion,
        allowWatchBookmarks: true,
      },
      (phase, object: V1Pod) => {
        if (phase === 'ERROR' || phase === 'BOOKMARK' || object.metadata?.uid !== running.pod.uid)
          return;
        running.latest = object;
        if (phase === 'DELETED') {
          running.stopped = true;
          running.watch?.abort();
          pods.delete(key(running.pod));
          return;
        }
        if (object.metadata?.deletionTimestamp) {
          void enqueue(running, () => finish(running)).catch(() => undefined);
          return;
        }
        void enqueue(running, () => sync(running)).catch(() => undefined);
      },
      // The server ends watches now and then (and with 410 when the resourceVersion is too old):
      // read the pod again and watch on from there, as an informer would. Once per watch, should
      // the client report its end twice.
      () => {
        if (ended) return;
        ended = true;
        void rewatch(running);
      },
    );
  };

  const rewatch = async (running: RunningPod): Promise<void> => {
    while (!running.stopped) {
      try {
        running.latest = await core.readNamespacedPod({
          name: running.pod.name,
          namespace: running.pod.namespace,
        });
        await enqueue(running, () => sync(running));
        await watch(running);
        return;
      } catch (error) {
        if ((error as { code?: number }).code === 404) {
          running.stopped = true;
          pods.delete(key(running.pod));
          return;
        }
        await sleep(200);
      }
    }
  };

  const run = async (
    created: V1Pod,
    tokenExpirationSeconds: number,
    ready: boolean,
  ): Promise<PretendPod> => {
    const name = created.metadata?.name ?? '';
    const namespace = created.metadata?.namespace ?? '';
    const uid = created.metadata?.uid ?? '';
    const request = await core.createNamespacedServiceAccountToken({
      name: created.spec?.serviceAccountName ?? 'default',
      namespace,
      body: {
        spec: {
          audiences: [],
          expirationSeconds: tokenExpirationSeconds,
          boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name, uid },
        },
      },
    });
    const token = request.status?.token ?? '';
    const tokenFile = path.join(workDir, `${namespace}.${name}.token`);
    await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
    const pod: PretendPod = { name, namespace, uid, token, tokenFile };
    const image = ({ name, image }: V1Container) => ({ name, image: image ?? '' });
    const sidecars = (created.spec?.initContainers ?? [])
      .filter((container) => container.restartPolicy === 'Always')
      .map(image);
    const containers = (created.spec?.containers ?? []).map(image);
    const running: RunningPod = {
      pod,
      sidecars,
      containers,
      unreadyContainers: new Set(ready ? [] : [...sidecars, ...containers].map((c) => c.name)),
      latest: created,
      queue: Promise.resolve(),
      stopped: false,
    };
    pods.set(key(pod), running);
    const now = new Date();
    await enqueue(running, () =>
      writeStatus(running, {
        status: {
          phase: 'Running',
          hostIP: pretendPodIp,
          hostIPs: [{ ip: pretendPodIp }],
          podIP: pretendPodIp,
          podIPs: [{ ip: pretendPodIp }],
          startTime: now,
          conditions: [
            { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
            { type: 'PodReadyToStartContainers', status: 'True', lastTransitionTime: now },
            { type: 'Initialized', status: 'True', lastTransitionTime: now },
          ],
        },
      }),
    );
    await enqueue(running, () => sync(running));
    await watch(running);
    return pod;
  };

  const runningOf = (pod: PretendPod): RunningPod => {
    const running = pods.get(key(pod));
    if (!running) throw new Error(`the pretend kubelet does not run pod ${key(pod)}`);
    return running;
  };

  return {
    async startPod({ name, namespace, labels, serviceAccountName, tokenExpirationSeconds = 3600 }) {
      const created = await core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name, namespace, labels },
          spec: {
            nodeName: pretendNodeName,
            serviceAccountName,
            readinessGates: [{ conditionType: routesAppliedCondition }],
            // A native sidecar: starts before the controller and stops after it.
            initContainers: [
              { name: proxyContainerName, image: proxyImage, restartPolicy: 'Always' },
            ],
            containers: [{ name: controllerContainerName, image: controllerImage }],
          },
        },
      });
      return run(created, tokenExpirationSeconds, true);
    },

    runPod: (pod, options) => run(pod, 3600, options?.ready ?? true),

    async markContainersNotReady(pod, container = proxyContainerName) {
      const running = runningOf(pod);
      running.unreadyContainers.add(container);
      await enqueue(running, () => sync(running));
    },

    async markContainersReady(pod) {
      const running = runningOf(pod);
      running.unreadyContainers.clear();
      await enqueue(running, () => sync(running));
    },

    async deletePod(pod) {
      await core
        .deleteNamespacedPod({ name: pod.name, namespace: pod.namespace })
        .catch((error: { code?: number }) => {
          if (error.code !== 404) throw error;
        });
      await eventually(
        async () => {
          const found = await core
            .readNamespacedPod({ name: pod.name, namespace: pod.namespace })
            .catch((error: { code?: number }) => {
              if (error.code === 404) return undefined;
              throw error;
            });
          if (found?.metadata?.uid === pod.uid) throw new Error(`pod ${key(pod)} still exists`);
        },
        { what: `pod ${key(pod)} to be deleted`, timeoutMs: 15_000 },
      );
    },

    async stop() {
      for (const running of pods.values()) {
        running.stopped = true;
        running.watch?.abort();
      }
      await Promise.all([...pods.values()].map((running) => running.queue));
      pods.clear();
    },
  };
}
