import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type V1RoleBinding,
  type V1ServiceAccount,
} from '@kubernetes/client-node';
import { inject } from 'vitest';
import {
  applyManifests,
  deleteManifests,
  type Manifest,
  manifestOf,
  placeManifests,
  readDeployManifests,
} from '../support/deploy-manifests.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/free-port.js';
import { serviceAccountKubeConfig } from '../support/kube-config.js';
import { type ManagerProcess, startManagerProcess } from '../support/manager-process.js';
import { type MeshProxy, startMeshProxy } from '../support/mesh-proxy.js';
import type { PretendKubelet, PretendPod } from '../support/pretend-kubelet.js';
import {
  type SampleController,
  type SampleControllerKind,
  startSampleController,
} from '../support/sample-controller.js';
import { uniqueNamespace } from '../support/unique-namespace.js';
import { givenVirtualAppCrd, virtualApps } from './virtual-app-crd.js';

/** `status.routing` as the manager publishes it (decision 0005). */
export interface Routing {
  currentRevision: string;
  previousRevision?: string;
  phase: 'Revoking' | 'Settled';
  observedGeneration: number;
}

/** A condition of a VirtualApp's status. */
export interface VirtualAppCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** A VirtualApp's status, as far as the tests read it. */
export interface VirtualAppStatus {
  observedGeneration?: number;
  routing?: Routing;
  subsets?: { name: string; pods: number; readyPods: number; updatedPods: number }[];
  conditions?: VirtualAppCondition[];
}

/** The control plane of one test file: the manifests of deploy/ and the manager replicas. */
export interface ControlPlane {
  /** The namespace of the controller's pods, its VirtualApp and its Leases. */
  readonly home: string;
  /** The manager's namespace (its ServiceAccount and Lease). */
  readonly system: string;
  /** The controller's ServiceAccount in `home`, bound to the proxy's roles of deploy/rbac. */
  readonly serviceAccountName: string;
  /** The manager replicas now running (a killed one is replaced by `startManager`). */
  readonly managers: ManagerProcess[];
  /** Starts one more manager replica with the deploy/ ServiceAccount's token. */
  startManager(identity: string): ManagerProcess;
  /** Kills every manager replica and deletes what `givenControlPlane` applied. */
  stop(): Promise<void>;
}

/** What {@link givenControlPlane} needs. */
export interface ControlPlaneOptions {
  admin: KubeConfig;
  workDir: string;
  /** Labels on `home` (e.g. a scenario's scope, which its VirtualApp's global limits select). */
  homeLabels?: Record<string, string>;
  /** Manager replicas to start (default 2). */
  replicas?: number;
  /** `--pod-grace-period` (default 5s, short for tests). */
  podGracePeriod?: string;
}

/**
 * Installs the control plane the way deploy/ describes it, in two namespaces of this test: the
 * VirtualApp CRD, the manager's and the proxy's RBAC, the admission policy that confines proxies
 * to their own pod's condition, the controller's ServiceAccount, and `replicas` manager processes
 * running as the manager's ServiceAccount and watching `home` only.
 */
export async function givenControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const { admin, workDir } = options;
  const core = admin.makeApiClient(CoreV1Api);
  const home = await uniqueNamespace('mesh-home', options.homeLabels ?? {});
  const system = await uniqueNamespace('ctrlmesh-system');
  await givenVirtualAppCrd(admin);
  const manifests: Manifest[] = placeManifests(
    [
      ...(await readDeployManifests('rbac/manager.yaml')),
      ...(await readDeployManifests('rbac/proxy.yaml')),
      ...(await readDeployManifests('admission/proxy-pod-status.yaml')),
    ],
    {
      namespaces: { 'ctrlmesh-system': system, example: home },
      suffix: randomBytes(3).toString('hex'),
    },
  );
  const serviceAccountName =
    manifestOf<V1RoleBinding>(manifests, 'RoleBinding', 'ctrlmesh-proxy-routes').subjects?.[0]
      ?.name ?? '';
  await core.createNamespacedServiceAccount({
    namespace: home,
    body: { metadata: { name: serviceAccountName } },
  });
  await applyManifests(admin, manifests);
  const managerAccount = manifestOf<V1ServiceAccount>(manifests, 'ServiceAccount');
  const kubeconfig = path.join(workDir, 'manager.kubeconfig');
  await writeFile(
    kubeconfig,
    (
      await serviceAccountKubeConfig(admin, system, managerAccount.metadata?.name ?? '')
    ).exportConfig(),
  );
  const managers: ManagerProcess[] = [];
  const adminPorts = await Promise.all(
    Array.from({ length: (options.replicas ?? 2) + 4 }, () => freePort()),
  );
  const startManager = (identity: string) => {
    const manager = startManagerProcess({
      identity,
      kubeconfig,
      logDir: workDir,
      adminPort: adminPorts.shift() ?? 0,
      args: [
        `--namespace=${home}`,
        `--leader-election-namespace=${system}`,
        `--pod-grace-period=${options.podGracePeriod ?? '5s'}`,
      ],
    });
    managers.push(manager);
    return manager;
  };
  for (let i = 0; i < (options.replicas ?? 2); i++) startManager(`manager-${i}`);
  return {
    home,
    system,
    serviceAccountName,
    managers,
    startManager,
    stop: async () => {
      await Promise.all(managers.map((manager) => manager.kill()));
      await deleteManifests(admin, manifests);
    },
  };
}

/** Reads a VirtualApp's status. */
export async function virtualAppStatus(
  admin: KubeConfig,
  namespace: string,
  name: string,
): Promise<VirtualAppStatus> {
  const object = (await admin
    .makeApiClient(CustomObjectsApi)
    .getNamespacedCustomObject({ ...virtualApps, namespace, name })) as {
    status?: VirtualAppStatus;
  };
  return object.status ?? {};
}

/**
 * Waits until the manager published generation `generation` (or later) of the VirtualApp as
 * `Settled`, and returns the routing.
 */
export async function eventuallySettled(
  admin: KubeConfig,
  namespace: string,
  name: string,
  generation: number,
  timeoutMs = 30_000,
): Promise<Routing> {
  return eventually(
    async () => {
      const { routing } = await virtualAppStatus(admin, namespace, name);
      if (routing?.phase !== 'Settled' || routing.observedGeneration < generation) {
        throw new Error(`routing is ${JSON.stringify(routing)}`);
      }
      return routing;
    },
    { what: `VirtualApp ${namespace}/${name} generation ${generation} to be Settled`, timeoutMs },
  );
}

/**
 * Replaces a VirtualApp's spec, as `kubectl apply` of an edited file does, and returns the new
 * generation. A JSON patch of `/spec` carries no resourceVersion, so the manager's status writes
 * in between do not make it conflict.
 */
export async function editVirtualApp(
  admin: KubeConfig,
  namespace: string,
  name: string,
  spec: unknown,
): Promise<number> {
  const replaced = (await admin.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject({
    ...virtualApps,
    namespace,
    name,
    body: [{ op: 'replace', path: '/spec', value: spec }],
  })) as { metadata: { generation: number } };
  return replaced.metadata.generation;
}

/** One meshed pod: the Pod object, its proxy (cluster mode) and its controller, as processes. */
export interface MeshedPod {
  readonly pod: PretendPod;
  readonly proxy: MeshProxy;
  readonly controller: SampleController;
  readonly version: string;
}

/** What {@link givenMeshedPod} starts. */
export interface MeshedPodOptions {
  kubelet: PretendKubelet;
  controlPlane: ControlPlane;
  workDir: string;
  name: string;
  labels: Record<string, string>;
  version: string;
  virtualAppName: string;
  leaderElectionName: string;
  kind?: SampleControllerKind;
}

/**
 * Runs a pod as a kubelet with injection would: the Pod object (readiness gate, native sidecar),
 * its bound token, the proxy following the VirtualApp in the cluster with that token as its own,
 * and the sample controller talking through the proxy. Resolves once the proxy is ready (it
 * applied the published routes), which is also when the pod becomes Ready.
 */
export async function givenMeshedPod(options: MeshedPodOptions): Promise<MeshedPod> {
  const pod = await options.kubelet.startPod({
    name: options.name,
    namespace: options.controlPlane.home,
    labels: options.labels,
    serviceAccountName: options.controlPlane.serviceAccountName,
  });
  const proxy = await startMeshProxy(inject('kas'), {
    podName: pod.name,
    podNamespace: pod.namespace,
    podLabels: options.labels,
    virtualAppName: options.virtualAppName,
    tokenFile: pod.tokenFile,
    workDir: options.workDir,
    readyTimeoutMs: 30_000,
  });
  const controller = startSampleController({
    kind: options.kind ?? 'go',
    podName: pod.name,
    podNamespace: pod.namespace,
    kubeconfig: proxy.kubeconfig,
    logDir: options.workDir,
    version: options.version,
    leaderElectionName: options.leaderElectionName,
  });
  return { pod, proxy, controller, version: options.version };
}
