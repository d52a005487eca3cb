import type {
  V1Container,
  V1EnvVar,
  V1Pod,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import type { InjectionSettings } from './injection-settings.js';
import { type JsonPatchOperation, patchAt } from './json-patch.js';
import { optedIn } from './opt-in.js';
import {
  PROXY_CONTAINER,
  ROUTES_APPLIED_GATE,
  SERVICE_ACCOUNT_DIR,
  TOKEN_DIR,
  VOLUMES,
} from './pod-layout.js';
import { proxyContainer, type WebhookFront } from './proxy-container.js';
import { proxyResourcesOf } from './proxy-resources-annotation.js';
import type { VirtualAppRef } from './virtual-app-for-pod.js';

/** What {@link injectPod} decides from. */
export interface InjectPodInput {
  /** The Pod as the AdmissionRequest carries it. */
  readonly pod: V1Pod;
  /** The labels of the pod's namespace (the namespace may opt its pods in). */
  readonly namespaceLabels: Readonly<Record<string, string>> | undefined;
  /** The VirtualApp that selects the pod (see `virtualAppForPod`), if any. */
  readonly virtualApp: VirtualAppRef | undefined;
  readonly settings: InjectionSettings;
}

/** What injection does with a pod. */
export type InjectionResult =
  | { readonly kind: 'unchanged'; readonly reason: string; readonly warnings: readonly string[] }
  | {
      readonly kind: 'injected';
      readonly patch: readonly JsonPatchOperation[];
      readonly warnings: readonly string[];
    }
  | { readonly kind: 'denied'; readonly message: string };

/** The members of a Pod that injection may change; the patch replaces whole ones. */
const PATCHED = [
  ['spec', 'initContainers'],
  ['spec', 'containers'],
  ['spec', 'volumes'],
  ['spec', 'readinessGates'],
] as const;

const underServiceAccountDir = (mount: V1VolumeMount) =>
  mount.mountPath === SERVICE_ACCOUNT_DIR ||
  mount.mountPath.startsWith(`${SERVICE_ACCOUNT_DIR}/`) ||
  mount.mountPath === TOKEN_DIR;

const OVERRIDDEN_ENV = new Set(['KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT']);

const hasProxy = (pod: V1Pod) =>
  [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].some(
    (c) => c.name === PROXY_CONTAINER,
  );

// The volumes behind the controller's in-cluster config and the proxy's files.
const injectedVolumes = (): V1Volume[] => [
  {
    // The same three sources as the kube-api-access volume the ServiceAccount admission adds: the
    // proxy reads the apiserver's CA and its own token here; controllers reach token and
    // namespace through the links the proxy writes.
    name: VOLUMES.token,
    projected: {
      defaultMode: 0o444,
      sources: [
        { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [
              {
                path: 'namespace',
                fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' },
              },
            ],
          },
        },
      ],
    },
  },
  // Holds only the proxy's CA and two links: memory-backed, tiny.
  { name: VOLUMES.serviceAccount, emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
  {
    name: VOLUMES.podinfo,
    downwardAPI: {
      items: [{ path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } }],
    },
  },
  // The last known routes (at most --max-routes-file-bytes, 1 MiB, written atomically).
  { name: VOLUMES.state, emptyDir: { sizeLimit: '8Mi' } },
];

interface WebhookPlan {
  readonly front: WebhookFront | undefined;
  readonly warnings: readonly string[];
}

// The controller's webhook goes through the proxy's front when the VirtualApp names its port and
// certificate folder, and the proxy can mount that folder (it must read the same certificate).
const planWebhook = (spec: unknown, containers: readonly V1Container[]): WebhookPlan => {
  const webhook = (spec as { configuration?: { webhook?: { certDir?: unknown; port?: unknown } } })
    ?.configuration?.webhook;
  if (webhook === undefined) return { front: undefined, warnings: [] };
  const { certDir, port } = webhook;
  if (typeof certDir !== 'string' || typeof port !== 'number') {
    return {
      front: undefined,
      warnings: ['spec.configuration.webhook needs certDir and port: webhook front left off'],
    };
  }
  const dir = certDir.replace(/\/+$/, '');
  const mount = containers
    .flatMap((c) => c.volumeMounts ?? [])
    .filter(
      (m) =>
        dir === m.mountPath.replace(/\/+$/, '') ||
        dir.startsWith(`${m.mountPath.replace(/\/+$/, '')}/`),
    )
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (mount === undefined) {
    return {
      front: undefined,
      warnings: [
        `no container mounts a volume at ${certDir} (spec.configuration.webhook.certDir): the proxy cannot read the webhook's certificate, webhook front left off`,
      ],
    };
  }
  const named = containers.flatMap((c) => c.ports ?? []).find((p) => p.containerPort === port);
  return {
    front: {
      controllerPort: port,
      certDir,
      mount: {
        name: mount.name,
        mountPath: mount.mountPath,
        ...(mount.subPath ? { subPath: mount.subPath } : {}),
      },
      portName: named?.name ?? 'mesh-webhook',
    },
    warnings: [],
  };
};

// An app container: in-cluster config pointed at the proxy, its service-account folder replaced
// by the proxy's, and its webhook port's name handed to the proxy's front.
const meshContainer = (
  container: V1Container,
  settings: InjectionSettings,
  front: WebhookFront | undefined,
): V1Container => {
  const env: V1EnvVar[] = [
    ...(container.env ?? []).filter((e) => !OVERRIDDEN_ENV.has(e.name)),
    { name: 'KUBERNETES_SERVICE_HOST', value: '127.0.0.1' },
    { name: 'KUBERNETES_SERVICE_PORT', value: String(settings.ports.proxy) },
  ];
  const volumeMounts: V1VolumeMount[] = [
    ...(container.volumeMounts ?? []).filter((m) => !underServiceAccountDir(m)),
    { name: VOLUMES.serviceAccount, mountPath: SERVICE_ACCOUNT_DIR, readOnly: true },
    { name: VOLUMES.token, mountPath: TOKEN_DIR, readOnly: true },
  ];
  const meshed: V1Container = { ...container, env, volumeMounts };
  if (front !== undefined && container.ports !== undefined) {
    meshed.ports = container.ports.map((p) => {
      if (p.containerPort !== front.controllerPort || p.name === undefined) return p;
      const { name: _moved, ...rest } = p;
      return rest;
    });
  }
  return meshed;
};

/**
 * Injects the proxy into a pod that opted in (pure: DESIGN §6, Injection). Returns the JSONPatch
 * for the AdmissionResponse, `unchanged` (not opted in, already injected, no VirtualApp), or
 * `denied` when the pod's own annotation cannot be honoured.
 *
 * The controller's in-cluster config (client-go, client-node, fabric8, the Python client) reads
 * `KUBERNETES_SERVICE_HOST`/`PORT` and the folder `/var/run/secrets/kubernetes.io/serviceaccount`
 * (`token`, `ca.crt`, `namespace`). A projected volume cannot take a file from an emptyDir, and the
 * proxy's CA exists only once the proxy has started; a `subPath` mount of one file would pin the
 * file the proxy replaces on restart, and a `subPath` of the projected token would never see it
 * rotate. So app containers get the shared emptyDir as that whole folder: the proxy writes its CA
 * there as `ca.crt` and links `token` and `namespace` to the projected token volume, which app
 * containers also mount (at `/var/run/secrets/ctrlmesh.io/serviceaccount`) so the links resolve
 * and kubelet's token rotation reaches the controller.
 */
export const injectPod = ({
  pod,
  namespaceLabels,
  virtualApp,
  settings,
}: InjectPodInput): InjectionResult => {
  if (!optedIn(pod.metadata?.labels, namespaceLabels)) {
    return { kind: 'unchanged', reason: 'not opted in', warnings: [] };
  }
  if (hasProxy(pod)) return { kind: 'unchanged', reason: 'already injected', warnings: [] };
  const namespace = pod.metadata?.namespace ?? '(unknown)';
  if (virtualApp === undefined) {
    return {
      kind: 'unchanged',
      reason: 'no VirtualApp selects the pod',
      warnings: [
        `ctrlmesh: no VirtualApp in namespace ${namespace} selects this pod; it runs without the proxy`,
      ],
    };
  }
  const annotation = proxyResourcesOf(pod.metadata?.annotations);
  if (!annotation.ok) return { kind: 'denied', message: `ctrlmesh: ${annotation.message}` };
  const spec = pod.spec ?? { containers: [] };
  const webhook = planWebhook(virtualApp.spec, spec.containers);
  const injectedNames = new Set<string>(Object.values(VOLUMES));
  const after: V1Pod = {
    ...pod,
    spec: {
      ...spec,
      initContainers: [
        proxyContainer({
          virtualAppName: virtualApp.name,
          settings,
          resources: annotation.resources ?? settings.resources,
          webhook: webhook.front,
        }),
        ...(spec.initContainers ?? []),
      ],
      containers: spec.containers.map((c) => meshContainer(c, settings, webhook.front)),
      volumes: [
        ...(spec.volumes ?? []).filter((v) => !injectedNames.has(v.name)),
        ...injectedVolumes(),
      ],
      readinessGates: (spec.readinessGates ?? []).some(
        (g) => g.conditionType === ROUTES_APPLIED_GATE,
      )
        ? spec.readinessGates
        : [...(spec.readinessGates ?? []), { conditionType: ROUTES_APPLIED_GATE }],
    },
  };
  return {
    kind: 'injected',
    patch: patchAt(
      pod as unknown as Record<string, unknown>,
      after as unknown as Record<string, unknown>,
      PATCHED,
    ),
    warnings: webhook.warnings.map((w) => `ctrlmesh: ${w}`),
  };
};
