import { mkdtemp, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createInjectPodHandler,
  createLogger,
  createNamespaceLabelsCache,
  type InjectionLister,
  InjectionSettingsSchema,
  type PodAdmissionRequest,
  systemClock,
} from '@ctrlmesh/manager-runtime';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { givenMutatingWebhook } from '../steps/mutating-webhook.js';
import { reconciledBy, uniqueWatchValue, watchLabel } from '../steps/sample-controller-replicas.js';
import { givenVirtualAppCrd, virtualApps } from '../steps/virtual-app-crd.js';
import {
  type AdmissionWebhookServer,
  startAdmissionWebhookServer,
} from '../support/admission-webhook-server.js';
import { statusOf } from '../support/api-status.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/free-port.js';
import { adminKubeConfig } from '../support/kube-config.js';
import { type PodRuntime, startPodRuntime, stopProcess } from '../support/pod-runtime.js';
import { uniqueNamespace } from '../support/unique-namespace.js';
import { issueWebhookCertificate } from '../support/webhook-certificate.js';

const e2eDir = path.resolve(import.meta.dirname, '..');
const proxyMain = path.resolve(e2eDir, '../apps/proxy/dist/main.js');
// The sample controllers' entrypoints, as their images would run them (e2e/controllers/README.md).
const samples = {
  go: { pod: 'go-sample-0', command: [path.join(e2eDir, 'controllers/go-sample/bin/go-sample')] },
  ts: {
    pod: 'ts-sample-0',
    command: [process.execPath, path.join(e2eDir, 'controllers/ts-sample/dist/main.js')],
  },
} as const;
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

// Issue 10: the manager's /inject-pod handler, served to the real kube-apiserver as a mutating
// webhook (kas applies its JSONPatch and validates the result as it would for the manager), then
// the injected pod run as processes with exactly the files and environment its spec describes.
describe('Injecting the proxy into pods (the /inject-pod webhook)', () => {
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const custom = admin.makeApiClient(CustomObjectsApi);
  const kas = inject('kas');
  let namespace: string;
  let workDir: string;
  let server: AdmissionWebhookServer;
  let unregister: () => Promise<void>;
  const scope = { 'e2e.ctrlmesh.io/injection': `run-${Math.random().toString(16).slice(2, 8)}` };
  const reviewed: string[] = [];
  let settings: ReturnType<typeof InjectionSettingsSchema.parse>;

  // The manager's namespace labels cache; VirtualApps are read straight from the apiserver here
  // (the manager takes them from its VirtualApp informer).
  const namespaces = createNamespaceLabelsCache({
    kubeConfig: admin,
    clock: systemClock,
    log: createLogger('error', () => undefined),
  });
  const lister: InjectionLister = {
    namespaceLabels: (name) => namespaces.labelsOf(name),
    virtualApps: async (ns) => {
      const list = (await custom.listNamespacedCustomObject({ ...virtualApps, namespace: ns })) as {
        items: { metadata: { name: string }; spec: unknown }[];
      };
      return list.items.map((item) => ({ name: item.metadata.name, spec: item.spec }));
    },
  };

  const pod = (name: string, labels: Record<string, string>, watchValue = 'none'): V1Pod => ({
    metadata: { name, labels },
    spec: {
      serviceAccountName: 'sample',
      // The shape the pretend kubelet runs: one controller container, configured by env.
      containers: [
        {
          name: 'controller',
          image: 'ctrlmesh/controller:e2e',
          env: [
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
            { name: 'WATCH_VALUE', value: watchValue },
            { name: 'VERSION', value: 'v1' },
          ],
        },
      ],
    },
  });

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-injection-'));
    await namespaces.start();
    await givenVirtualAppCrd(admin);
    namespace = await uniqueNamespace('injection', scope);
    await core.createNamespacedServiceAccount({
      namespace,
      body: { metadata: { name: 'sample' } },
    });
    // The pod's service account may do what the proxy and the sample controller do; RBAC is
    // the subject of other scenarios.
    await admin.makeApiClient(RbacAuthorizationV1Api).createClusterRoleBinding({
      body: {
        metadata: { name: `${namespace}-sample` },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'cluster-admin',
        },
        subjects: [{ kind: 'ServiceAccount', name: 'sample', namespace }],
      },
    });
    await custom.createNamespacedCustomObject({
      ...virtualApps,
      namespace,
      body: {
        apiVersion: 'ctrlmesh.io/v1alpha1',
        kind: 'VirtualApp',
        metadata: { name: 'sample' },
        spec: { selector: { matchLabels: { app: 'sample' } } },
      },
    });
    // Ports of this run: other files run proxies on this machine at the same time.
    settings = InjectionSettingsSchema.parse({
      proxyImage: 'localhost/ctrlmesh/proxy:0.1.0',
      ports: { proxy: await freePort(), admin: await freePort(), webhook: await freePort() },
    });
    const handle = createInjectPodHandler({ lister, settings });
    server = await startAdmissionWebhookServer(
      await issueWebhookCertificate(workDir),
      async (request) => {
        reviewed.push(request.name ?? (request.object?.metadata?.name as string));
        const decision = await handle(request as unknown as PodAdmissionRequest);
        return decision.allowed
          ? { allowed: true, patch: decision.patch, warnings: decision.warnings }
          : { allowed: false, message: decision.status?.message ?? '' };
      },
    );
    unregister = await givenMutatingWebhook(admin, {
      name: `${namespace}-inject`,
      url: `${server.url}/inject-pod`,
      caBundle: server.caBundle,
      rules: [
        { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] },
      ],
      namespaceLabels: scope,
    });
    // kas reads webhook configurations through an informer: wait until it calls this one.
    await eventually(
      async () => {
        const name = `probe-${reviewed.length}`;
        await core.createNamespacedPod({ namespace, body: pod(name, {}), dryRun: 'All' });
        expect(reviewed).toContain(name);
      },
      { what: 'kas to call the injection webhook' },
    );
  });

  afterAll(async () => {
    await namespaces.stop();
    await unregister?.();
    await server?.close();
    await admin
      .makeApiClient(RbacAuthorizationV1Api)
      .deleteClusterRoleBinding({ name: `${namespace}-sample` })
      .catch(() => undefined);
    if (process.env.CTRLMESH_E2E_KEEP === '1') console.log(`e2e: kept ${workDir}`);
    else if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  const OPTED_IN = { app: 'sample', 'ctrlmesh.io/inject': 'enabled' };

  it('returns an opted-in pod injected, and kas stores it as valid', async () => {
    const created = await core.createNamespacedPod({ namespace, body: pod('sample-0', OPTED_IN) });
    const spec = created.spec as NonNullable<V1Pod['spec']>;
    const [proxy] = spec.initContainers ?? [];
    expect(proxy).toMatchObject({
      name: 'ctrlmesh-proxy',
      image: 'localhost/ctrlmesh/proxy:0.1.0',
      restartPolicy: 'Always',
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 65532,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
      readinessProbe: { httpGet: { path: '/readyz', port: settings.ports.admin } },
      livenessProbe: { httpGet: { path: '/healthz', port: settings.ports.admin } },
      resources: settings.resources,
    });
    expect(proxy?.args).toContain('--virtualapp-name=sample');
    expect(proxy?.env).toContainEqual({ name: 'MALLOC_MMAP_THRESHOLD_', value: '131072' });
    const controller = spec.containers[0];
    expect(controller?.env).toEqual(
      expect.arrayContaining([
        { name: 'KUBERNETES_SERVICE_HOST', value: '127.0.0.1' },
        { name: 'KUBERNETES_SERVICE_PORT', value: String(settings.ports.proxy) },
      ]),
    );
    // The controller's service-account folder is the proxy's; nothing else is mounted there.
    expect(controller?.volumeMounts?.filter((m) => m.mountPath.startsWith(SA_DIR))).toEqual([
      { name: 'ctrlmesh-serviceaccount', mountPath: SA_DIR, readOnly: true },
    ]);
    expect(spec.readinessGates).toEqual([{ conditionType: 'ctrlmesh.io/RoutesApplied' }]);
    const token = spec.volumes?.find((v) => v.name === 'ctrlmesh-token');
    expect(token?.projected?.sources?.map((s) => Object.keys(s)[0])).toEqual([
      'serviceAccountToken',
      'configMap',
      'downwardAPI',
    ]);
  });

  it('changes nothing when the pod comes back injected', async () => {
    const stored = await core.readNamespacedPod({ name: 'sample-0', namespace });
    const again = await createInjectPodHandler({ lister, settings })({
      uid: 'again',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      namespace,
      operation: 'CREATE',
      object: stored,
    });
    expect(again).toEqual({ allowed: true });
    // And kas, creating the injected spec once more, gets it back unchanged.
    const { metadata, spec } = stored;
    const twice = await core.createNamespacedPod({
      namespace,
      body: { metadata: { name: 'sample-1', labels: metadata?.labels }, spec },
      dryRun: 'All',
    });
    expect(twice.spec?.initContainers?.map((c) => c.name)).toEqual(['ctrlmesh-proxy']);
    expect(twice.spec?.containers).toEqual(spec?.containers);
    expect(twice.spec?.volumes).toEqual(spec?.volumes);
  });

  it('refuses an opted-in pod whose proxy resources annotation is invalid, saying why', async () => {
    const body = pod('bad-0', OPTED_IN);
    body.metadata = {
      ...body.metadata,
      annotations: { 'ctrlmesh.io/proxy-resources': '{"limits":{"memory":"lots"}}' },
    };
    const { code, status } = await statusOf(core.createNamespacedPod({ namespace, body }));
    expect(code).toBe(403);
    expect(status.message).toContain(
      'ctrlmesh: annotation ctrlmesh.io/proxy-resources is invalid: limits.memory: must be a Kubernetes quantity such as 100m or 64Mi',
    );
  });

  it('injects a pod of a namespace that opted in, unless the pod opts out', async () => {
    const meshed = await uniqueNamespace('injection-ns', {
      ...scope,
      'ctrlmesh.io/inject': 'enabled',
    });
    await core.createNamespacedServiceAccount({
      namespace: meshed,
      body: { metadata: { name: 'sample' } },
    });
    await custom.createNamespacedCustomObject({
      ...virtualApps,
      namespace: meshed,
      body: {
        apiVersion: 'ctrlmesh.io/v1alpha1',
        kind: 'VirtualApp',
        metadata: { name: 'sample' },
        spec: { selector: { matchLabels: { app: 'sample' } } },
      },
    });
    const injected = await core.createNamespacedPod({
      namespace: meshed,
      body: pod('sample-0', { app: 'sample' }),
      dryRun: 'All',
    });
    expect(injected.spec?.initContainers?.map((c) => c.name)).toEqual(['ctrlmesh-proxy']);
    const optedOut = await core.createNamespacedPod({
      namespace: meshed,
      body: pod('sample-1', { app: 'sample', 'ctrlmesh.io/inject': 'disabled' }),
      dryRun: 'All',
    });
    expect(optedOut.spec?.initContainers ?? []).toEqual([]);
  });

  it('leaves a pod without the opt-in untouched', async () => {
    const plain = await core.createNamespacedPod({
      namespace,
      body: pod('plain-0', { app: 'sample' }),
    });
    expect(plain.spec?.initContainers ?? []).toEqual([]);
    expect(plain.spec?.readinessGates).toBeUndefined();
    expect(plain.spec?.containers[0]?.env?.map((e) => e.name)).toEqual([
      'POD_NAME',
      'POD_NAMESPACE',
      'WATCH_VALUE',
      'VERSION',
    ]);
  });

  // One revision for both runs: the proxies follow it from the VirtualApp's status.
  let published = false;
  const publishRoutes = async () => {
    if (published) return;
    published = true;
    // The VirtualApp's routes, as the manager would publish them (decision 0005).
    const apps = admin.makeApiClient(AppsV1Api);
    await apps.createNamespacedControllerRevision({
      namespace,
      body: {
        metadata: { name: 'sample-0123456789', labels: { 'ctrlmesh.io/virtual-app': 'sample' } },
        data: { spec: { selector: { matchLabels: { app: 'sample' } } } },
        revision: 1,
      },
    });
    await custom.patchNamespacedCustomObjectStatus(
      {
        ...virtualApps,
        namespace,
        name: 'sample',
        body: {
          status: {
            routing: {
              currentRevision: 'sample-0123456789',
              phase: 'Settled',
              observedGeneration: 1,
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  };

  it.each(['go', 'ts'] as const)(
    'runs the injected pod: the %s sample reaches the apiserver through the proxy with in-cluster config',
    async (kind) => {
      const sample = samples[kind];
      const watchValue = uniqueWatchValue(`injection-${kind}`);
      await publishRoutes();
      const created = await core.createNamespacedPod({
        namespace,
        body: pod(sample.pod, OPTED_IN, watchValue),
      });
      const url = new URL(kas.url);
      const runtime: PodRuntime = await startPodRuntime(
        admin,
        created,
        { host: url.hostname, port: url.port, caFile: kas.caFile },
        path.join(workDir, sample.pod),
      );
      const spec = created.spec as NonNullable<V1Pod['spec']>;
      const runProxy = (logName: string) =>
        runtime.run(
          spec.initContainers?.[0] as NonNullable<V1Pod['spec']>['containers'][number],
          [process.execPath, proxyMain, ...(spec.initContainers?.[0]?.args ?? [])],
          path.join(workDir, `${sample.pod}.${logName}.log`),
        );
      const proxyAnswers = () =>
        eventually(
          async () => {
            const res = await fetch(`http://127.0.0.1:${settings.ports.admin}/healthz`);
            expect(res.status).toBe(200);
          },
          { what: 'the proxy to answer /healthz' },
        );
      const reconciles = (name: string) =>
        eventually(
          async () => {
            const cm = await core.readNamespacedConfigMap({ name, namespace });
            expect(cm.metadata?.annotations?.[reconciledBy]).toBe(`${sample.pod}@v1`);
          },
          { what: `the ${kind} sample to reconcile ${name} through the proxy`, timeoutMs: 60_000 },
        );
      let proxy = runProxy('proxy');
      let controller: ReturnType<PodRuntime['run']> | undefined;
      try {
        // kubelet starts the app containers once the sidecar's startup probe passes.
        await proxyAnswers();
        const saDir = runtime.volumes.get('ctrlmesh-serviceaccount') as string;
        expect(await readFile(path.join(saDir, 'ca.crt'), 'utf8')).toContain('BEGIN CERTIFICATE');
        expect(await readlink(path.join(saDir, 'token'))).toBe(
          '/var/run/secrets/ctrlmesh.io/serviceaccount/token',
        );
        controller = runtime.run(
          spec.containers[0] as NonNullable<V1Pod['spec']>['containers'][number],
          [...sample.command],
          path.join(workDir, `${sample.pod}.controller.log`),
        );
        await core.createNamespacedConfigMap({
          namespace,
          body: { metadata: { name: `watched-${kind}`, labels: watchLabel(watchValue) } },
        });
        await reconciles(`watched-${kind}`);
        // The proxy did the talking: it counted the controller's ConfigMap requests.
        const metrics = await (
          await fetch(`http://127.0.0.1:${settings.ports.admin}/metrics`)
        ).text();
        expect(metrics).toMatch(
          /ctrlmesh_proxy_requests_total\{[^}]*resource="configmaps"[^}]*\} [1-9]/,
        );

        // The sidecar restarts (a crash, an OOM kill) while the controller runs on with the CA it
        // loaded once (client-go reads ca.crt at start): the proxy serves the certificate kept in
        // its own state volume again, and both samples carry on through it.
        const ca = await readFile(path.join(saDir, 'ca.crt'), 'utf8');
        const stateDir = runtime.volumes.get('ctrlmesh-state') as string;
        expect((await stat(path.join(stateDir, 'serving.pem'))).mode & 0o777).toBe(0o600);
        await stopProcess(proxy);
        proxy = runProxy('proxy-restarted');
        await proxyAnswers();
        expect(await readFile(path.join(saDir, 'ca.crt'), 'utf8')).toBe(ca);
        await core.createNamespacedConfigMap({
          namespace,
          body: { metadata: { name: `watched-${kind}-2`, labels: watchLabel(watchValue) } },
        });
        await reconciles(`watched-${kind}-2`);
      } finally {
        if (controller) await stopProcess(controller);
        await stopProcess(proxy);
      }
    },
  );
});
