import type { V1Container, V1Probe, V1VolumeMount } from '@kubernetes/client-node';
import type { InjectionSettings, ProxyResources } from './injection-settings.js';
import {
  MALLOC_MMAP_THRESHOLD,
  PODINFO_DIR,
  PROXY_CONTAINER,
  PROXY_SERVICE_ACCOUNT_DIR,
  STATE_DIR,
  TOKEN_DIR,
  VOLUMES,
} from './pod-layout.js';

/** The proxy's webhook front: where the controller serves and the volume with its certificate. */
export interface WebhookFront {
  /** The controller's own webhook port, on 127.0.0.1. */
  readonly controllerPort: number;
  /** The controller's certificate folder (tls.crt/tls.key), as the controller sees it. */
  readonly certDir: string;
  /** The controller's mount that holds `certDir`, mounted read-only at the same path in the proxy. */
  readonly mount: V1VolumeMount;
  /** The name the proxy's webhook port takes (the controller's port name, for Services). */
  readonly portName: string;
}

/** What the proxy container is made of. */
export interface ProxyContainerInput {
  readonly virtualAppName: string;
  readonly settings: InjectionSettings;
  readonly resources: ProxyResources;
  readonly webhook?: WebhookFront | undefined;
}

const probe = (path: string, port: number, timing: InjectionSettings['probes']): V1Probe => ({
  httpGet: { path, port },
  periodSeconds: timing.periodSeconds,
  timeoutSeconds: timing.timeoutSeconds,
  failureThreshold: timing.failureThreshold,
});

/**
 * The proxy as a native sidecar (DESIGN §6, Injection): an init container with `restartPolicy:
 * Always`, so it starts before the controller and stops after it.
 */
export const proxyContainer = ({
  virtualAppName,
  settings,
  resources,
  webhook,
}: ProxyContainerInput): V1Container => {
  const { ports } = settings;
  const args = [
    `--virtualapp-name=${virtualAppName}`,
    `--pod-labels-file=${PODINFO_DIR}/labels`,
    `--token-file=${TOKEN_DIR}/token`,
    `--upstream-ca-file=${TOKEN_DIR}/ca.crt`,
    // The controller's service-account folder: the proxy writes the CA of the certificate it makes
    // at start, and links `token` and `namespace` to the projected ones (see inject-pod.ts).
    '--tls-self-signed',
    `--tls-ca-out=${PROXY_SERVICE_ACCOUNT_DIR}/ca.crt`,
    `--serviceaccount-from=${TOKEN_DIR}`,
    '--listen-host=127.0.0.1',
    `--listen-port=${ports.proxy}`,
    `--state-file=${STATE_DIR}/routes.json`,
    // The certificate and its key, kept so a restarted proxy serves the CA the running controller
    // loaded once; in the proxy's own emptyDir, never in the folder the controller mounts.
    `--tls-self-signed-state=${STATE_DIR}/serving.pem`,
    // kubelet probes the pod IP, not loopback; /metrics is scraped there too.
    '--admin-host=0.0.0.0',
    `--admin-port=${ports.admin}`,
    `--log-level=${settings.logLevel}`,
  ];
  const volumeMounts: V1VolumeMount[] = [
    { name: VOLUMES.token, mountPath: TOKEN_DIR, readOnly: true },
    { name: VOLUMES.serviceAccount, mountPath: PROXY_SERVICE_ACCOUNT_DIR },
    { name: VOLUMES.podinfo, mountPath: PODINFO_DIR, readOnly: true },
    { name: VOLUMES.state, mountPath: STATE_DIR },
  ];
  const containerPorts: NonNullable<V1Container['ports']> = [
    { name: 'ctrlmesh-admin', containerPort: ports.admin, protocol: 'TCP' },
  ];
  if (webhook !== undefined) {
    args.push(
      `--webhook-cert-dir=${webhook.certDir}`,
      `--webhook-controller-port=${webhook.controllerPort}`,
      '--webhook-host=0.0.0.0',
      `--webhook-port=${ports.webhook}`,
    );
    volumeMounts.push({ ...webhook.mount, readOnly: true });
    containerPorts.push({ name: webhook.portName, containerPort: ports.webhook, protocol: 'TCP' });
  }
  const container: V1Container = {
    name: PROXY_CONTAINER,
    image: settings.proxyImage,
    args,
    env: [
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'MALLOC_MMAP_THRESHOLD_', value: MALLOC_MMAP_THRESHOLD },
    ],
    ports: containerPorts,
    resources,
    restartPolicy: 'Always',
    // kubelet starts the app containers once this succeeds: by then the CA and the links are
    // written (the proxy writes them before it serves), so the controller finds its ca.crt.
    startupProbe: {
      ...probe('/healthz', ports.admin, settings.probes),
      periodSeconds: 1,
      failureThreshold: 60,
    },
    livenessProbe: probe('/healthz', ports.admin, settings.probes),
    readinessProbe: probe('/readyz', ports.admin, settings.probes),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts,
  };
  if (settings.imagePullPolicy !== undefined) container.imagePullPolicy = settings.imagePullPolicy;
  return container;
};
