import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from '../test-support/apply-json-patch.js';
import { injectPod } from './inject-pod.js';
import { InjectionSettingsSchema } from './injection-settings.js';

const settings = InjectionSettingsSchema.parse({ proxyImage: 'localhost/ctrlmesh/proxy:0.1.0' });
const vapp = { name: 'sample', spec: { selector: { matchLabels: { app: 'sample' } } } };

const aPod = (overrides: Partial<V1Pod['metadata']> = {}, containers?: V1Container[]): V1Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'sample-0',
    namespace: 'operators',
    labels: { app: 'sample', 'ctrlmesh.io/inject': 'enabled' },
    ...overrides,
  },
  spec: {
    serviceAccountName: 'sample',
    initContainers: [{ name: 'migrate', image: 'migrate:1' }],
    containers: containers ?? [
      {
        name: 'controller',
        image: 'sample:1',
        env: [
          { name: 'KUBERNETES_SERVICE_HOST', value: '10.0.0.1' },
          { name: 'A', value: 'b' },
        ],
        volumeMounts: [
          {
            name: 'kube-api-access-x',
            mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
            readOnly: true,
          },
          { name: 'data', mountPath: '/data' },
        ],
      },
    ],
    volumes: [
      { name: 'kube-api-access-x', projected: { sources: [] } },
      { name: 'data', emptyDir: {} },
    ],
  },
});

const injected = (pod: V1Pod, virtualApp = vapp): V1Pod => {
  const result = injectPod({ pod, namespaceLabels: {}, virtualApp, settings });
  if (result.kind !== 'injected')
    throw new Error(`expected an injection, got ${JSON.stringify(result)}`);
  return applyJsonPatch(pod, result.patch);
};

describe('injectPod', () => {
  it('adds the proxy as a native sidecar, first among the init containers', () => {
    const pod = injected(aPod());
    const [proxy, migrate] = pod.spec?.initContainers ?? [];
    expect(proxy?.name).toBe('ctrlmesh-proxy');
    expect(proxy?.restartPolicy).toBe('Always');
    expect(proxy?.image).toBe('localhost/ctrlmesh/proxy:0.1.0');
    expect(migrate?.name).toBe('migrate');
  });

  it('runs the proxy in cluster mode for the VirtualApp with a self-signed certificate', () => {
    const args = injected(aPod()).spec?.initContainers?.[0]?.args ?? [];
    expect(args).toEqual(
      expect.arrayContaining([
        '--virtualapp-name=sample',
        '--pod-labels-file=/var/run/ctrlmesh/podinfo/labels',
        '--token-file=/var/run/secrets/ctrlmesh.io/serviceaccount/token',
        '--tls-self-signed',
        '--tls-ca-out=/var/run/ctrlmesh/serviceaccount/ca.crt',
        '--serviceaccount-from=/var/run/secrets/ctrlmesh.io/serviceaccount',
        '--listen-host=127.0.0.1',
        '--listen-port=5443',
        '--state-file=/var/run/ctrlmesh/state/routes.json',
        '--admin-port=5441',
      ]),
    );
    expect(args.some((a) => a.startsWith('--webhook'))).toBe(false);
  });

  it('keeps the proxy certificate and key in its own state folder, which no app container mounts', () => {
    const pod = injected(aPod());
    const args = pod.spec?.initContainers?.[0]?.args ?? [];
    expect(args).toContain('--tls-self-signed-state=/var/run/ctrlmesh/state/serving.pem');
    const state = pod.spec?.initContainers?.[0]?.volumeMounts?.find(
      (mount) => mount.mountPath === '/var/run/ctrlmesh/state',
    );
    expect(state?.name).toBe('ctrlmesh-state');
    const appMounts = pod.spec?.containers.flatMap((c) => c.volumeMounts ?? []) ?? [];
    expect(appMounts.map((mount) => mount.name)).not.toContain('ctrlmesh-state');
  });

  it('gives the proxy its pod name and namespace from the downward API and the malloc threshold', () => {
    const env = injected(aPod()).spec?.initContainers?.[0]?.env ?? [];
    expect(env).toEqual([
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'MALLOC_MMAP_THRESHOLD_', value: '131072' },
    ]);
  });

  it('runs the proxy non-root, read-only, without capabilities, with probes on its admin port', () => {
    const proxy = injected(aPod()).spec?.initContainers?.[0];
    expect(proxy?.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(proxy?.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 5441 });
    expect(proxy?.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 5441 });
    expect(proxy?.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 5441 });
    expect(proxy?.resources).toEqual(settings.resources);
  });

  it('points every app container at the proxy and replaces its service-account folder', () => {
    const controller = injected(aPod()).spec?.containers[0];
    expect(controller?.env).toEqual([
      { name: 'A', value: 'b' },
      { name: 'KUBERNETES_SERVICE_HOST', value: '127.0.0.1' },
      { name: 'KUBERNETES_SERVICE_PORT', value: '5443' },
    ]);
    expect(controller?.volumeMounts).toEqual([
      { name: 'data', mountPath: '/data' },
      {
        name: 'ctrlmesh-serviceaccount',
        mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
        readOnly: true,
      },
      {
        name: 'ctrlmesh-token',
        mountPath: '/var/run/secrets/ctrlmesh.io/serviceaccount',
        readOnly: true,
      },
    ]);
  });

  it('adds the readiness gate and the volumes, keeping the pod own ones', () => {
    const pod = injected(aPod());
    expect(pod.spec?.readinessGates).toEqual([{ conditionType: 'ctrlmesh.io/RoutesApplied' }]);
    expect(pod.spec?.volumes?.map((v) => v.name)).toEqual([
      'kube-api-access-x',
      'data',
      'ctrlmesh-token',
      'ctrlmesh-serviceaccount',
      'ctrlmesh-podinfo',
      'ctrlmesh-state',
    ]);
    const token = pod.spec?.volumes?.find((v) => v.name === 'ctrlmesh-token');
    expect(token?.projected?.sources?.[0]).toEqual({
      serviceAccountToken: { path: 'token', expirationSeconds: 3607 },
    });
  });

  it('routes the controller webhook through the proxy front, handing it the port name', () => {
    const webhookVapp = {
      name: 'sample',
      spec: { ...vapp.spec, configuration: { webhook: { certDir: '/certs/serving', port: 9443 } } },
    };
    const pod = aPod({}, [
      {
        name: 'controller',
        image: 'sample:1',
        ports: [
          { name: 'webhook-server', containerPort: 9443 },
          { name: 'metrics', containerPort: 8080 },
        ],
        volumeMounts: [{ name: 'cert', mountPath: '/certs' }],
      },
    ]);
    const after = injected(pod, webhookVapp);
    const proxy = after.spec?.initContainers?.[0];
    expect(proxy?.args).toEqual(
      expect.arrayContaining([
        '--webhook-cert-dir=/certs/serving',
        '--webhook-controller-port=9443',
        '--webhook-port=5445',
      ]),
    );
    expect(proxy?.volumeMounts).toContainEqual({
      name: 'cert',
      mountPath: '/certs',
      readOnly: true,
    });
    expect(proxy?.ports).toContainEqual({
      name: 'webhook-server',
      containerPort: 5445,
      protocol: 'TCP',
    });
    expect(after.spec?.containers[0]?.ports).toEqual([
      { containerPort: 9443 },
      { name: 'metrics', containerPort: 8080 },
    ]);
  });

  it('leaves the webhook front off with a warning when no container mounts the cert folder', () => {
    const result = injectPod({
      pod: aPod(),
      namespaceLabels: {},
      virtualApp: {
        name: 'sample',
        spec: { configuration: { webhook: { certDir: '/nowhere', port: 9443 } } },
      },
      settings,
    });
    expect(result.kind).toBe('injected');
    expect(result.kind === 'injected' && result.warnings[0]).toContain(
      'no container mounts a volume at /nowhere',
    );
  });

  it('takes the proxy resources from the pod annotation', () => {
    const resources = { requests: { cpu: '200m' }, limits: { memory: '512Mi' } };
    const pod = aPod({
      annotations: { 'ctrlmesh.io/proxy-resources': JSON.stringify(resources) },
    });
    expect(injected(pod).spec?.initContainers?.[0]?.resources).toEqual(resources);
  });

  it('denies a pod whose resources annotation is invalid, naming the problem', () => {
    const pod = aPod({
      annotations: { 'ctrlmesh.io/proxy-resources': '{"requests":{"cpu":"lots"}}' },
    });
    expect(injectPod({ pod, namespaceLabels: {}, virtualApp: vapp, settings })).toEqual({
      kind: 'denied',
      message:
        'ctrlmesh: annotation ctrlmesh.io/proxy-resources is invalid: requests.cpu: must be a Kubernetes quantity such as 100m or 64Mi',
    });
  });

  it('leaves a pod without the opt-in label alone, even when a VirtualApp selects it', () => {
    const pod = aPod({ labels: { app: 'sample' } });
    expect(injectPod({ pod, namespaceLabels: {}, virtualApp: vapp, settings })).toEqual({
      kind: 'unchanged',
      reason: 'not opted in',
      warnings: [],
    });
  });

  it('injects a pod of an opted-in namespace unless the pod opts out', () => {
    const namespaceLabels = { 'ctrlmesh.io/inject': 'enabled' };
    const plain = aPod({ labels: { app: 'sample' } });
    const optOut = aPod({ labels: { app: 'sample', 'ctrlmesh.io/inject': 'disabled' } });
    expect(injectPod({ pod: plain, namespaceLabels, virtualApp: vapp, settings }).kind).toBe(
      'injected',
    );
    expect(injectPod({ pod: optOut, namespaceLabels, virtualApp: vapp, settings }).kind).toBe(
      'unchanged',
    );
  });

  it('leaves an opted-in pod without a VirtualApp alone, with a warning', () => {
    const result = injectPod({ pod: aPod(), namespaceLabels: {}, virtualApp: undefined, settings });
    expect(result).toEqual({
      kind: 'unchanged',
      reason: 'no VirtualApp selects the pod',
      warnings: [
        'ctrlmesh: no VirtualApp in namespace operators selects this pod; it runs without the proxy',
      ],
    });
  });

  it('changes nothing on a second pass', () => {
    const once = injected(aPod());
    expect(injectPod({ pod: once, namespaceLabels: {}, virtualApp: vapp, settings })).toEqual({
      kind: 'unchanged',
      reason: 'already injected',
      warnings: [],
    });
  });
});
