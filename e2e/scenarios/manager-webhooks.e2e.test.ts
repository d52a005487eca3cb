import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from 'node:tls';
import {
  AdmissionregistrationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type V1ServiceAccount,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenVirtualAppCrd, virtualApps } from '../steps/virtual-app-crd.js';
import { statusOf } from '../support/api-status.js';
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
import { adminKubeConfig, serviceAccountKubeConfig } from '../support/kube-config.js';
import {
  eventuallyOneManagerLeader,
  type ManagerProcess,
  startManagerProcess,
} from '../support/manager-process.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

// A spec the CRD's schema accepts but route-engine does not: two problems, in two places.
const invalidSpec = {
  selector: { matchLabels: { app: 'web' } },
  route: { subRules: [{ name: 'canary', match: [{ namespaceRegex: '(' }] }] },
  subsets: [
    { name: 'v2', labels: { version: 'v2' }, routeRules: ['canary'] },
    { name: 'v3', labels: { version: 'v3' }, routeRules: ['beta'] },
  ],
};
const validSpec = {
  selector: { matchLabels: { app: 'web' } },
  route: { subRules: [{ name: 'canary', match: [{ namespaceRegex: '^canary-' }] }] },
  subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary'] }],
};

type WebhookConfiguration = Manifest & {
  webhooks: {
    clientConfig: { url?: string; service?: { path?: string }; caBundle?: string };
    namespaceSelector?: {
      matchExpressions?: { key?: string; operator?: string; values?: string[] }[];
    };
  }[];
};

/** The SHA-256 fingerprint of the certificate served at 127.0.0.1:`port` (as Node prints it). */
const servedFingerprint = (port: number): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });

describe("The manager's admission webhooks, called by the real kube-apiserver", () => {
  const admin = adminKubeConfig();
  const custom = admin.makeApiClient(CustomObjectsApi);
  const core = admin.makeApiClient(CoreV1Api);
  const registration = admin.makeApiClient(AdmissionregistrationV1Api);
  const suffix = randomBytes(3).toString('hex');
  const configurationName = `ctrlmesh-${suffix}`;
  const shortLivedSecret = `short-lived-${suffix}`;
  let system: string;
  let apps: string;
  let port: number;
  let logDir: string;
  let kubeconfig: string;
  let manifests: Manifest[] = [];
  const replicas: ManagerProcess[] = [];

  const startManager = (identity: string, more: string[] = []) => {
    const replica = startManagerProcess({
      identity,
      kubeconfig,
      logDir,
      adminPort: 0,
      webhookPort: port,
      args: [
        `--namespace=${apps}`,
        `--leader-election-namespace=${system}`,
        // kas calls the webhooks by url: (no Service or DNS here), so the certificate names
        // 127.0.0.1 too.
        '--webhook-url-host=127.0.0.1',
        `--webhook-validating-configuration=${configurationName}`,
        `--webhook-mutating-configuration=${configurationName}`,
        '--log-level=debug',
        ...more,
      ],
    });
    replicas.push(replica);
    return replica;
  };

  const readSecret = async (name = 'ctrlmesh-webhook-certs') => {
    const secret = await core.readNamespacedSecret({ name, namespace: system });
    const text = (key: string) => Buffer.from(secret.data?.[key] ?? '', 'base64').toString();
    return {
      resourceVersion: secret.metadata?.resourceVersion,
      servingFingerprint: new X509Certificate(text('tls.crt')).fingerprint256,
      caBundle: text('ca-bundle.crt'),
    };
  };

  const caBundles = async () => {
    const validating = await registration.readValidatingWebhookConfiguration({
      name: configurationName,
    });
    const mutating = await registration.readMutatingWebhookConfiguration({
      name: configurationName,
    });
    return [...(validating.webhooks ?? []), ...(mutating.webhooks ?? [])].map((hook) =>
      Buffer.from(hook.clientConfig.caBundle ?? '', 'base64').toString(),
    );
  };

  /** A dry-run create: the apiserver runs the webhooks but stores nothing. */
  const dryRunCreate = (name: string, spec: unknown) =>
    custom.createNamespacedCustomObject({
      ...virtualApps,
      namespace: apps,
      dryRun: 'All',
      body: { apiVersion: 'ctrlmesh.io/v1alpha1', kind: 'VirtualApp', metadata: { name }, spec },
    });

  beforeAll(async () => {
    await givenVirtualAppCrd(admin);
    system = await uniqueNamespace('ctrlmesh-system');
    apps = await uniqueNamespace('webhook-apps');
    port = await freePort();
    // The manager runs as deploy/rbac's ServiceAccount. Its roles grant the webhook configurations
    // and the Secret by name, so the test's unique names are granted instead (the rotation runs
    // on a second Secret).
    const rbac = placeManifests(await readDeployManifests('rbac/manager.yaml'), {
      namespaces: { 'ctrlmesh-system': system },
      suffix,
    }).map(
      (manifest) =>
        JSON.parse(
          JSON.stringify(manifest)
            .replaceAll('["ctrlmesh"]', `["${configurationName}"]`)
            .replaceAll(
              '["ctrlmesh-webhook-certs"]',
              `["ctrlmesh-webhook-certs","${shortLivedSecret}"]`,
            ),
        ) as Manifest,
    );
    // deploy/webhooks as users apply it, but called by url: on this machine, and named uniquely.
    const webhooks = [
      ...(await readDeployManifests('webhooks/validating-webhook-configuration.yaml')),
      ...(await readDeployManifests('webhooks/mutating-webhook-configuration.yaml')),
    ].map((manifest) => {
      const placed = structuredClone(manifest) as WebhookConfiguration;
      placed.metadata = { ...placed.metadata, name: configurationName };
      for (const hook of placed.webhooks) {
        hook.clientConfig = { url: `https://127.0.0.1:${port}${hook.clientConfig.service?.path}` };
        for (const expression of hook.namespaceSelector?.matchExpressions ?? []) {
          expression.values = expression.values?.map((v) => (v === 'ctrlmesh-system' ? system : v));
        }
        // Test files share one kube-apiserver: this manager sees only its own namespace's pods.
        hook.namespaceSelector = {
          ...hook.namespaceSelector,
          matchExpressions: [
            ...(hook.namespaceSelector?.matchExpressions ?? []),
            { key: 'kubernetes.io/metadata.name', operator: 'In', values: [apps] },
          ],
        };
      }
      return placed as Manifest;
    });
    manifests = [...rbac, ...webhooks];
    await applyManifests(admin, manifests);

    const serviceAccount = manifestOf<V1ServiceAccount>(rbac, 'ServiceAccount');
    logDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-manager-webhooks-'));
    kubeconfig = path.join(logDir, 'manager.kubeconfig');
    await writeFile(
      kubeconfig,
      (
        await serviceAccountKubeConfig(admin, system, serviceAccount.metadata?.name ?? '')
      ).exportConfig(),
    );
    startManager('webhooks-a');
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.kill()));
    if (manifests.length > 0) await deleteManifests(admin, manifests);
  });

  it('writes the Secret and, as the leader, the caBundle of both configurations', async () => {
    await eventuallyOneManagerLeader(replicas);
    await eventually(
      async () => {
        const secret = await readSecret();
        const bundles = await caBundles();
        expect(bundles).toHaveLength(3);
        for (const bundle of bundles) expect(bundle).toBe(secret.caBundle);
        expect(await servedFingerprint(port)).toBe(secret.servingFingerprint);
      },
      { what: 'the Secret, the caBundles and the served certificate to agree' },
    );
  });

  it('refuses an invalid VirtualApp with every problem and its path', async () => {
    // The apiserver reads webhook configurations through an informer: it may take a moment to
    // trust the new caBundle, and until then failurePolicy Ignore lets requests through.
    await eventually(
      async () => {
        const refused = await statusOf(dryRunCreate('probe', invalidSpec));
        expect(refused.code).toBe(422);
      },
      { what: 'the apiserver to call the validating webhook' },
    );
    const { code, status } = await statusOf(
      custom.createNamespacedCustomObject({
        ...virtualApps,
        namespace: apps,
        body: {
          apiVersion: 'ctrlmesh.io/v1alpha1',
          kind: 'VirtualApp',
          metadata: { name: 'broken' },
          spec: invalidSpec,
        },
      }),
    );
    expect(code).toBe(422);
    expect(status.reason).toBe('Invalid');
    // What kubectl prints after "Error from server (Invalid): ...".
    expect(status.message).toMatch(
      /^admission webhook "virtualapps\.ctrlmesh\.io" denied the request: VirtualApp "broken" is invalid: /,
    );
    expect(status.message).toContain('spec.route.subRules[0].match[0].namespaceRegex: ');
    expect(status.message).toContain('spec.subsets[1].routeRules[0]: unknown sub-rule "beta"');
    expect(
      await statusOf(
        custom.getNamespacedCustomObject({ ...virtualApps, namespace: apps, name: 'broken' }),
      ),
    ).toMatchObject({ code: 404 });
  });

  it('accepts a valid VirtualApp, and refuses an update that breaks it', async () => {
    await custom.createNamespacedCustomObject({
      ...virtualApps,
      namespace: apps,
      body: {
        apiVersion: 'ctrlmesh.io/v1alpha1',
        kind: 'VirtualApp',
        metadata: { name: 'web' },
        spec: validSpec,
      },
    });
    const broken = await statusOf(
      custom.patchNamespacedCustomObject({
        ...virtualApps,
        namespace: apps,
        name: 'web',
        body: [{ op: 'replace', path: '/spec/subsets/0/routeRules/0', value: 'beta' }],
      }),
    );
    expect(broken.code).toBe(422);
    expect(broken.status.message).toContain(
      'spec.subsets[0].routeRules[0]: unknown sub-rule "beta"',
    );
    // The leader published it, and said so with an Event on the VirtualApp.
    const events = await eventually(
      async () => {
        const list = await core.listNamespacedEvent({
          namespace: apps,
          fieldSelector: 'involvedObject.kind=VirtualApp,involvedObject.name=web',
        });
        expect(list.items.map((event) => event.reason)).toContain('Published');
        return list.items;
      },
      { what: 'a Published event on VirtualApp web' },
    );
    expect(events.find((event) => event.reason === 'Published')).toMatchObject({
      type: 'Normal',
      source: { component: 'ctrlmesh-manager' },
      reportingInstance: 'webhooks-a',
    });
  });

  it('injects the proxy into an opted-in pod, and leaves any other pod alone', async () => {
    // No controller-manager here: the pods' ServiceAccount is made by hand (injection mounts its
    // bound token).
    await core.createNamespacedServiceAccount({
      namespace: apps,
      body: { metadata: { name: 'injected' } },
    });
    await custom.createNamespacedCustomObject({
      ...virtualApps,
      namespace: apps,
      body: {
        apiVersion: 'ctrlmesh.io/v1alpha1',
        kind: 'VirtualApp',
        metadata: { name: 'injected' },
        spec: { ...validSpec, selector: { matchLabels: { app: 'injected' } } },
      },
    });
    const pod = (name: string, labels: Record<string, string>) =>
      core.createNamespacedPod({
        namespace: apps,
        body: {
          metadata: { name, labels },
          spec: {
            serviceAccountName: 'injected',
            containers: [{ name: 'controller', image: 'example.com/controller:1' }],
          },
        },
      });
    // The manager's VirtualApp informer may see the new VirtualApp a moment after it is created.
    const injected = await eventually(
      async () => {
        const created = await pod(`injected-${randomBytes(2).toString('hex')}`, {
          app: 'injected',
          'ctrlmesh.io/inject': 'enabled',
        });
        expect(created.spec?.initContainers?.[0]?.name).toBe('ctrlmesh-proxy');
        return created;
      },
      { what: 'the manager to inject an opted-in pod' },
    );
    const sidecar = injected.spec?.initContainers?.[0];
    expect(sidecar).toMatchObject({ name: 'ctrlmesh-proxy', restartPolicy: 'Always' });
    expect(sidecar?.args).toContain('--virtualapp-name=injected');
    expect(injected.spec?.readinessGates).toEqual([{ conditionType: 'ctrlmesh.io/RoutesApplied' }]);
    expect(injected.spec?.containers[0]?.env).toEqual(
      expect.arrayContaining([{ name: 'KUBERNETES_SERVICE_HOST', value: '127.0.0.1' }]),
    );
    const plain = await pod('other-0', { app: 'injected' });
    expect(plain.spec?.initContainers ?? []).toEqual([]);
    expect(plain.spec?.readinessGates).toBeUndefined();
  });

  it('reuses the Secret after a restart: same certificate, nothing written', async () => {
    const before = await readSecret();
    await replicas[0]!.stop();
    const restarted = startManager('webhooks-b');
    await eventuallyOneManagerLeader([restarted]);
    await eventually(
      async () => expect(await servedFingerprint(port)).toBe(before.servingFingerprint),
      { what: 'the restarted manager to serve the stored certificate' },
    );
    expect((await statusOf(dryRunCreate('probe', invalidSpec))).code).toBe(422);
    expect((await readSecret()).resourceVersion).toBe(before.resourceVersion);
    const written = (await restarted.logEntries()).filter(
      (entry) => entry.msg === 'webhook certificates written',
    );
    expect(written).toEqual([]);
    await restarted.stop();
  });

  it('keeps answering across a certificate rotation', async () => {
    // A second Secret with certificates of 40 s, renewed 20 s before expiry: a new CA is staged
    // at 20 s, serves from 25 s, and the old CA leaves the caBundle at 30 s.
    const secretName = shortLivedSecret;
    const rotating = startManager('webhooks-c', [
      `--webhook-secret-name=${secretName}`,
      '--webhook-cert-validity=40s',
      '--webhook-cert-renew-before=20s',
    ]);
    await eventuallyOneManagerLeader([rotating]);
    const first = await eventually(
      async () => {
        const secret = await readSecret(secretName);
        expect(await servedFingerprint(port)).toBe(secret.servingFingerprint);
        for (const bundle of await caBundles()) expect(bundle).toBe(secret.caBundle);
        return secret;
      },
      { what: 'the short-lived certificate to be served and trusted' },
    );
    await eventually(
      async () => expect((await statusOf(dryRunCreate('probe', invalidSpec))).code).toBe(422),
      {
        what: 'the apiserver to trust the short-lived certificate',
      },
    );

    // Every review across the rotation reaches the webhook: a TLS failure would be ignored
    // (failurePolicy Ignore) and the dry run allowed, so each answer is checked, none retried.
    const answers: number[] = [];
    const served = new Set<string>([first.servingFingerprint]);
    let sawTwoCas = false;
    await eventually(
      async () => {
        const answer = await dryRunCreate('probe', invalidSpec).then(
          () => 200,
          (error: { code: number }) => error.code,
        );
        answers.push(answer);
        const secret = await readSecret(secretName);
        served.add(await servedFingerprint(port));
        if (secret.caBundle.split('BEGIN CERTIFICATE').length - 1 === 2) sawTwoCas = true;
        const oneCa = secret.caBundle.split('BEGIN CERTIFICATE').length - 1 === 1;
        if (!(sawTwoCas && oneCa && secret.servingFingerprint !== first.servingFingerprint)) {
          throw new Error('the rotation has not finished');
        }
      },
      { what: 'a whole rotation', timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(served.size).toBeGreaterThanOrEqual(2);
    expect(answers.length).toBeGreaterThan(20);
    expect(answers.filter((code) => code !== 422)).toEqual([]);
    const reasons = (await rotating.logEntries())
      .filter((entry) => entry.msg === 'webhook certificates written')
      .map((entry) => entry.reason);
    expect(reasons.slice(0, 4)).toEqual([
      'created',
      'ca-staged',
      'serving-renewed',
      'old-ca-dropped',
    ]);
  }, 150_000);

  it('with the manager down, creates a pod without the opt-in untouched and refuses an opted-in one', async () => {
    // deploy/webhooks' configurations stay installed, with the caBundle the manager wrote, while
    // no replica answers at their URL.
    await Promise.all(replicas.map((replica) => replica.stop()));
    expect(replicas.filter((replica) => replica.running())).toEqual([]);
    const pod = (name: string, labels: Record<string, string>) =>
      core.createNamespacedPod({
        namespace: apps,
        body: {
          metadata: { name, labels },
          spec: {
            serviceAccountName: 'injected',
            containers: [{ name: 'controller', image: 'example.com/controller:1' }],
          },
        },
      });

    // Neither the pod nor its namespace carries ctrlmesh.io/inject, so neither webhook's
    // selectors match and the apiserver never calls the manager: the pod is stored as sent, even
    // though VirtualApp "injected" selects it.
    const plain = await pod('unmeshed-down', { app: 'injected' });
    expect(plain.spec?.initContainers ?? []).toEqual([]);
    expect(plain.spec?.readinessGates).toBeUndefined();
    expect(plain.spec?.containers.map((c) => c.name)).toEqual(['controller']);
    expect(plain.spec?.containers[0]?.env).toBeUndefined();
    expect((plain.spec?.volumes ?? []).filter((v) => v.name.startsWith('ctrlmesh'))).toEqual([]);
    expect(plain.metadata?.annotations ?? {}).toEqual({});

    // An opted-in pod is refused (failurePolicy Fail) with the apiserver's webhook error. That is
    // intended: created without the proxy, its controller would start unconfined, seeing and
    // writing outside its slice, talking to the apiserver directly; its workload controller
    // retries the create until a manager answers again.
    const refused = await statusOf(
      pod('meshed-down', { app: 'injected', 'ctrlmesh.io/inject': 'enabled' }),
    );
    expect(refused.code).toBe(500);
    expect(refused.status.message).toContain(
      'failed calling webhook "pods.inject.ctrlmesh.io": failed to call webhook: Post "https://127.0.0.1:',
    );
    expect(refused.status.message).toContain('/inject-pod?timeout=5s"');
    expect(
      await statusOf(core.readNamespacedPod({ name: 'meshed-down', namespace: apps })),
    ).toMatchObject({ code: 404 });

    // The VirtualApp webhook fails open (failurePolicy Ignore): with the manager down even an
    // invalid VirtualApp is accepted; the manager refuses to publish it once it is back.
    await dryRunCreate('accepted-while-down', invalidSpec);
  });
});
