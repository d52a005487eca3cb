import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { canaryVirtualApp, namespaceType } from '../steps/canary-virtual-app.js';
import {
  givenMutatingWebhook,
  type MutatingWebhookRegistration,
} from '../steps/mutating-webhook.js';
import { givenProxy, givenProxyIdentity, givenVirtualApp, type MeshProxy } from '../steps/proxy.js';
import { admittedBy, uniqueWatchValue } from '../steps/sample-controller-replicas.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/free-port.js';
import { adminKubeConfig } from '../support/kube-config.js';
import { type SampleController, startSampleController } from '../support/sample-controller.js';
import { uniqueNamespace } from '../support/unique-namespace.js';
import { issueWebhookCertificate } from '../support/webhook-certificate.js';

// One Go sample per pod, each behind its proxy with the webhook front on; the apiserver calls only
// v1-0's front (a URL registration), and the fronts route each review to the subset owning it.
describe('Admission webhooks follow the canary (Go sample, v1 x1 + v2 x2)', () => {
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const scope = { 'e2e.ctrlmesh.io/scenario': `webhooks-${randomBytes(3).toString('hex')}` };
  const watchValue = uniqueWatchValue('webhooks');
  let workDir: string;
  let unregister: (() => Promise<void>) | undefined;
  let registration: MutatingWebhookRegistration;
  const pods = [
    { podName: 'wh-v1-0', version: 'v1' },
    { podName: 'wh-v2-0', version: 'v2' },
    { podName: 'wh-v2-1', version: 'v2' },
  ].map((pod) => ({ ...pod, controllerPort: 0, frontPort: 0 }));
  const proxies: Record<string, MeshProxy> = {};
  const controllers: Record<string, SampleController> = {};

  const createConfigMap = async (namespace: string, name: string) => {
    const created = await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name }, data: { story: 'webhooks' } },
    });
    return created.metadata?.annotations?.[admittedBy];
  };

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-webhooks-'));
    const home = await uniqueNamespace('mesh-home', scope);
    const vappFile = path.join(workDir, 'virtualapp.yaml');
    await givenVirtualApp(
      vappFile,
      canaryVirtualApp({ name: 'webhook-sample', namespace: home, lock: 'webhook-sample', scope }),
    );
    const tokenFile = await givenProxyIdentity(admin, workDir);
    // One serving certificate for every pod, as one Secret mounted in each would give.
    const certDir = path.join(workDir, 'webhook-certs');
    await mkdir(certDir);
    const certificate = await issueWebhookCertificate(certDir);
    for (const pod of pods) {
      pod.controllerPort = await freePort();
      pod.frontPort = await freePort();
    }
    const front = (podName: string) =>
      `https://127.0.0.1:${pods.find((p) => p.podName === podName)!.frontPort}`;
    const peersFile = path.join(workDir, 'webhook-peers.yaml');
    await writeFile(
      peersFile,
      stringify({ v2: [front('wh-v2-0'), front('wh-v2-1')], '(default)': [front('wh-v1-0')] }),
    );
    for (const pod of pods) {
      proxies[pod.podName] = await givenProxy({
        podName: pod.podName,
        podNamespace: home,
        podLabels: { app: 'go-sample', version: pod.version },
        virtualAppFile: vappFile,
        tokenFile,
        workDir,
        extraArgs: [
          `--webhook-cert-dir=${certDir}`,
          `--webhook-controller-port=${pod.controllerPort}`,
          '--webhook-host=127.0.0.1',
          `--webhook-port=${pod.frontPort}`,
          `--webhook-peers=${peersFile}`,
        ],
      });
      controllers[pod.podName] = startSampleController({
        kind: 'go',
        podName: pod.podName,
        podNamespace: home,
        kubeconfig: proxies[pod.podName]!.kubeconfig,
        logDir: workDir,
        version: pod.version,
        webhook: { port: pod.controllerPort, certDir },
        env: { WATCH_VALUE: watchValue },
      });
    }
    registration = {
      name: `ctrlmesh-${scope['e2e.ctrlmesh.io/scenario']}`,
      url: `${front('wh-v1-0')}/mutate-configmap`,
      caBundle: Buffer.from(certificate.caPem).toString('base64'),
      rules: [
        {
          apiGroups: [''],
          apiVersions: ['v1'],
          resources: ['configmaps'],
          operations: ['CREATE', 'UPDATE'],
        },
      ],
      namespaceLabels: scope,
    };
    unregister = await givenMutatingWebhook(admin, registration);
  });

  afterAll(async () => {
    await unregister?.();
    await Promise.all(Object.values(controllers).map((controller) => controller.stop()));
    await Promise.all(Object.values(proxies).map((proxy) => proxy.stop()));
    if (process.env.CTRLMESH_E2E_KEEP === '1') console.log(`e2e: kept ${workDir}`);
    else if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('a ConfigMap in a plain namespace is admitted by the v1 pod', async () => {
    const namespace = await uniqueNamespace('team', scope);
    // The apiserver picks the new configuration up through an informer, and the controller's
    // webhook may still be starting: wait for the first admission.
    const stamp = await eventually(
      async () => {
        const name = `first-${randomBytes(3).toString('hex')}`;
        const value = await createConfigMap(namespace, name);
        if (value === undefined) throw new Error(`${name} was admitted without ${admittedBy}`);
        return value;
      },
      { what: 'the webhook to be called through the v1 proxy', timeoutMs: 60_000 },
    );
    expect(stamp).toBe('wh-v1-0');
    expect(await createConfigMap(namespace, 'settings')).toBe('wh-v1-0');
  });

  it('ConfigMaps in canary namespaces are admitted by the v2 pods, in turn', async () => {
    const byName = await uniqueNamespace('canary', scope);
    const byLabel = await uniqueNamespace('team', { ...scope, [namespaceType]: 'canary' });
    const stamps: (string | undefined)[] = [];
    for (let i = 0; i < 4; i++) {
      stamps.push(await createConfigMap(byName, `settings-${i}`));
      stamps.push(await createConfigMap(byLabel, `settings-${i}`));
    }
    expect(new Set(stamps)).toEqual(new Set(['wh-v2-0', 'wh-v2-1']));
  });

  it('a ConfigMap in a system namespace is allowed with no annotation', async () => {
    const namespace = await uniqueNamespace('sys', { ...scope, [namespaceType]: 'system' });
    expect(await createConfigMap(namespace, 'settings')).toBeUndefined();
    const metrics = await proxies['wh-v1-0']!.metrics();
    expect(metrics).toMatch(
      /ctrlmesh_proxy_webhook_reviews_total\{decision="excluded",[^}]*\} [1-9]/,
    );
    expect(metrics).toMatch(
      /ctrlmesh_proxy_webhook_reviews_total\{decision="forwarded",owner="v2",[^}]*code="200"\} [1-9]/,
    );
  });

  it('killing one v2 controller fails over to the other v2 pod', async () => {
    await controllers['wh-v2-0']!.kill();
    const namespace = await uniqueNamespace('canary', scope);
    for (let i = 0; i < 4; i++) {
      expect(await createConfigMap(namespace, `after-kill-${i}`)).toBe('wh-v2-1');
    }
    // The whole pod gone (its proxy too): connection refused, same outcome.
    await proxies['wh-v2-0']!.kill();
    for (let i = 0; i < 2; i++) {
      expect(await createConfigMap(namespace, `after-pod-${i}`)).toBe('wh-v2-1');
    }
    expect(await proxies['wh-v1-0']!.metrics()).toMatch(
      /ctrlmesh_proxy_webhook_peer_failures_total\{owner="v2"\} [1-9]/,
    );
  });

  it('a webhook registered for AdmissionReview v1beta1 is routed the same way', async () => {
    await unregister?.();
    unregister = undefined;
    unregister = await givenMutatingWebhook(admin, {
      ...registration,
      admissionReviewVersions: ['v1beta1'],
    });
    const plain = await uniqueNamespace('team', scope);
    const canary = await uniqueNamespace('canary', scope);
    // The apiserver swaps configurations through an informer: wait for the v1beta1 one to answer.
    await eventually(
      async () => {
        const name = `beta-${randomBytes(3).toString('hex')}`;
        expect(await createConfigMap(plain, name)).toBe('wh-v1-0');
        const metrics = await proxies['wh-v1-0']!.metrics();
        expect(metrics).toContain('api_version="admission.k8s.io/v1beta1"');
      },
      { what: 'a v1beta1 review to reach the v1 proxy', timeoutMs: 60_000 },
    );
    expect(await createConfigMap(canary, 'settings')).toBe('wh-v2-1');
    expect(await proxies['wh-v1-0']!.metrics()).toMatch(
      /ctrlmesh_proxy_webhook_reviews_total\{decision="forwarded",owner="v2",api_version="admission.k8s.io\/v1beta1",code="200"\} [1-9]/,
    );
  });
});
