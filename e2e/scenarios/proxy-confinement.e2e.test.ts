import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1ClusterRole,
  type V1Pod,
  type V1RoleBinding,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { adminKubeConfig, tokenKubeConfig } from '../support/kube-config.js';
import {
  type PretendKubelet,
  type PretendPod,
  pretendPodIp,
  routesAppliedCondition,
  startPretendKubelet,
} from '../support/pretend-kubelet.js';
import { documentedProxyRbac } from '../support/proxy-rbac.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

const policyStateCondition = 'ctrlmesh.io/TrafficPolicyState';

const strategicMerge = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

const routesApplied = (status: 'True' | 'False', reason: string, message: string) => ({
  status: { conditions: [{ type: routesAppliedCondition, status, reason, message }] },
});

const conditionOf = (pod: V1Pod, type: string) =>
  pod.status?.conditions?.find((condition) => condition.type === type);

// DESIGN §6 and decision 0005, "Who may do what": a proxy reports on its own pod with the pod's
// bound token; RBAC (deploy/rbac/proxy.yaml) lets that token patch pods/status in its namespace,
// and the admission policy (deploy/admission/proxy-pod-status.yaml) narrows it to one condition
// of one pod, as the node authorizer narrows a kubelet to its node.
describe("A proxy's pod-bound token reports on its own pod and touches nothing else", () => {
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  let manifests: Manifest[];
  let workDir: string;
  let kubelet: PretendKubelet;
  let namespace: string;
  let podA: PretendPod;
  let podB: PretendPod;
  /** Pod A's proxy, with A's bound token. */
  let proxyA: CoreV1Api;
  let proxyAConfig: KubeConfig;

  const readPod = (pod: PretendPod) => core.readNamespacedPod(pod);
  const patchStatus = (as: CoreV1Api, pod: PretendPod, body: object, dryRun?: 'All') =>
    as.patchNamespacedPodStatus(
      { name: pod.name, namespace: pod.namespace, body, dryRun },
      strategicMerge,
    );
  const eventuallyReady = (pod: PretendPod, status: 'True' | 'False', reason?: string) =>
    eventually(
      async () => {
        const ready = conditionOf(await readPod(pod), 'Ready');
        if (ready?.status !== status || (reason !== undefined && ready.reason !== reason)) {
          throw new Error(`Ready is ${ready?.status} (${ready?.reason}: ${ready?.message})`);
        }
        return ready;
      },
      {
        what: `pod ${pod.name} to be Ready=${status}${reason ? ` (${reason})` : ''}`,
        timeoutMs: 10_000,
      },
    );

  beforeAll(async () => {
    namespace = await uniqueNamespace('confinement');
    const suffix = randomBytes(3).toString('hex');
    // What a user applies, placed in this test's namespace: the controller's service account
    // `example-controller` lives in `example` in the YAML.
    manifests = placeManifests(
      [
        ...(await readDeployManifests('rbac/proxy.yaml')),
        ...(await readDeployManifests('admission/proxy-pod-status.yaml')),
      ],
      { namespaces: { example: namespace }, suffix },
    );
    const binding = manifestOf<V1RoleBinding>(manifests, 'RoleBinding');
    const serviceAccountName = binding.subjects?.[0]?.name ?? '';
    await core.createNamespacedServiceAccount({
      namespace,
      body: { metadata: { name: serviceAccountName } },
    });
    await applyManifests(admin, manifests);

    workDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-confinement-'));
    kubelet = startPretendKubelet(admin, { workDir });
    podA = await kubelet.startPod({
      name: 'go-sample-0',
      namespace,
      labels: { app: 'go-sample' },
      serviceAccountName,
    });
    podB = await kubelet.startPod({
      name: 'go-sample-1',
      namespace,
      labels: { app: 'go-sample' },
      serviceAccountName,
    });
    // The proxy and the controller read the token from the file, as from a projected volume.
    proxyAConfig = tokenKubeConfig('proxy-a', (await readFile(podA.tokenFile, 'utf8')).trim());
    proxyA = proxyAConfig.makeApiClient(CoreV1Api);

    // RBAC and admission policies both reach the apiserver through informers: wait for both,
    // with requests that change nothing (a review, and a dry-run the policy still sees).
    await eventually(
      async () => {
        const review = await proxyAConfig
          .makeApiClient(AuthorizationV1Api)
          .createSelfSubjectAccessReview({
            body: {
              spec: {
                resourceAttributes: {
                  namespace,
                  resource: 'pods',
                  subresource: 'status',
                  verb: 'patch',
                },
              },
            },
          });
        if (!review.status?.allowed) throw new Error('patching pods/status is not allowed yet');
      },
      { what: `the proxy's RoleBinding to apply in ${namespace}` },
    );
    await eventually(
      async () => {
        const { code } = await statusOf(
          patchStatus(proxyA, podB, routesApplied('True', 'Settled', 'probe'), 'All'),
        );
        expect(code).toBe(403);
      },
      { what: "the admission policy to refuse pod A's token on pod B" },
    );
  });

  afterAll(async () => {
    await kubelet?.stop();
    if (manifests) await deleteManifests(admin, manifests);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('runs each pod on 127.0.0.1 with ready containers, not Ready until its proxy reports', async () => {
    const pod = await readPod(podA);
    expect(pod.status?.phase).toBe('Running');
    expect(pod.status?.podIP).toBe(pretendPodIp);
    expect(pod.spec?.initContainers?.[0]).toMatchObject({
      name: 'ctrlmesh-proxy',
      restartPolicy: 'Always',
    });
    expect(pod.spec?.readinessGates).toEqual([{ conditionType: routesAppliedCondition }]);
    expect(conditionOf(pod, 'ContainersReady')?.status).toBe('True');
    const ready = await eventuallyReady(podA, 'False', 'ReadinessGatesNotReady');
    expect(ready.message).toBe(
      `corresponding condition of pod readiness gate "${routesAppliedCondition}" does not exist.`,
    );
  });

  it("issues each pod a token that names the pod, as kubelet's projected tokens do", async () => {
    const review = await admin
      .makeApiClient(AuthenticationV1Api)
      .createTokenReview({ body: { spec: { token: podA.token } } });
    expect(review.status?.user?.extra?.['authentication.kubernetes.io/pod-name']).toEqual([
      podA.name,
    ]);
    expect(review.status?.user?.extra?.['authentication.kubernetes.io/pod-uid']).toEqual([
      podA.uid,
    ]);
  });

  it('lets the proxy report RoutesApplied on its own pod, which then becomes Ready', async () => {
    const patched = await patchStatus(
      proxyA,
      podA,
      routesApplied('True', 'Settled', 'go-sample-1a2b3c4d5e'),
    );
    expect(conditionOf(patched, routesAppliedCondition)).toMatchObject({
      status: 'True',
      reason: 'Settled',
      message: 'go-sample-1a2b3c4d5e',
    });
    await eventuallyReady(podA, 'True');
  });

  it('takes Ready away again when the proxy reports RoutesApplied False', async () => {
    await patchStatus(proxyA, podA, routesApplied('False', 'RevisionNotFound', 'go-sample-ffff'));
    const ready = await eventuallyReady(podA, 'False', 'ReadinessGatesNotReady');
    expect(ready.message).toBe(
      `the status of pod readiness gate "${routesAppliedCondition}" is not "True", but False`,
    );
    await patchStatus(proxyA, podA, routesApplied('True', 'Settled', 'go-sample-1a2b3c4d5e'));
    await eventuallyReady(podA, 'True');
  });

  it('lets the proxy report its traffic-policy state on its own pod, beside RoutesApplied, and nowhere else', async () => {
    const state = (message: string) => ({
      status: {
        conditions: [{ type: policyStateCondition, status: 'True', reason: 'Reported', message }],
      },
    });
    const message = '{"v":1,"policies":[]}';
    const patched = await patchStatus(proxyA, podA, state(message));
    expect(conditionOf(patched, policyStateCondition)).toMatchObject({ status: 'True', message });
    expect(conditionOf(patched, routesAppliedCondition)?.status).toBe('True');
    const other = await statusOf(patchStatus(proxyA, podB, state(message)));
    expect(other.code).toBe(403);
    expect(conditionOf(await readPod(podB), policyStateCondition)).toBeUndefined();
    // Both of its conditions at once, and another one smuggled along with them: refused whole.
    const smuggled = await statusOf(
      patchStatus(proxyA, podA, {
        status: {
          conditions: [
            { type: policyStateCondition, status: 'True', reason: 'Reported', message: '{}' },
            { type: 'PodScheduled', status: 'False', reason: 'Forged' },
          ],
        },
      }),
    );
    expect(smuggled.code).toBe(403);
    expect(smuggled.status.message).toContain('not PodScheduled');
    expect(conditionOf(await readPod(podA), policyStateCondition)?.message).toBe(message);
  });

  it("refuses the token on another pod's status, naming both pods", async () => {
    const { code, status } = await statusOf(
      patchStatus(proxyA, podB, routesApplied('True', 'Settled', 'go-sample-1a2b3c4d5e')),
    );
    expect(code).toBe(403);
    expect(status.message).toContain(
      `a token bound to pod ${namespace}/${podA.name} may change the status of that pod only, not of pod ${namespace}/${podB.name}`,
    );
    expect(conditionOf(await readPod(podB), routesAppliedCondition)).toBeUndefined();
  });

  it('refuses any other condition of its own pod', async () => {
    const { code, status } = await statusOf(
      patchStatus(proxyA, podA, {
        status: { conditions: [{ type: 'ContainersReady', status: 'False', reason: 'Forged' }] },
      }),
    );
    expect(code).toBe(403);
    expect(status.message).toContain(
      'a pod-bound token may change only the ctrlmesh.io/RoutesApplied and ctrlmesh.io/TrafficPolicyState conditions of its pod, not ContainersReady',
    );
  });

  it("refuses other status fields and the pod's labels through pods/status", async () => {
    const phase = await statusOf(
      patchStatus(proxyA, podA, { status: { phase: 'Failed', podIP: '10.9.9.9' } }),
    );
    expect(phase.code).toBe(403);
    // The policy names every refused field (in no fixed order).
    for (const field of ['status.phase', 'status.podIP', 'status.podIPs']) {
      expect(phase.status.message).toContain(field);
    }
    const labels = await statusOf(
      patchStatus(proxyA, podA, { metadata: { labels: { app: 'someone-else' } } }),
    );
    expect(labels.code).toBe(403);
    expect(labels.status.message).toContain(
      "a pod-bound token may not change the pod's metadata through pods/status: metadata.labels",
    );
    const pod = await readPod(podA);
    expect(pod.metadata?.labels).toEqual({ app: 'go-sample' });
    expect(pod.status?.phase).toBe('Running');
  });

  it("gives the token no write on any pod's spec, nor anything beyond what the proxy reads", async () => {
    const spec = await statusOf(
      proxyA.patchNamespacedPod(
        { name: podA.name, namespace, body: { metadata: { labels: { app: 'x' } } } },
        strategicMerge,
      ),
    );
    expect(spec.code).toBe(403);
    expect(spec.status.message).toContain('cannot patch resource "pods"');
    const create = await statusOf(
      proxyA.createNamespacedPod({
        namespace,
        body: { metadata: { name: 'smuggled' }, spec: { containers: [{ name: 'c', image: 'c' }] } },
      }),
    );
    expect(create.code).toBe(403);
    const allowed = async (attributes: Record<string, string>) =>
      (
        await proxyAConfig.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
          body: { spec: { resourceAttributes: { namespace, ...attributes } } },
        })
      ).status?.allowed ?? false;
    // What the proxy needs (decision 0005), and a few things it must not have.
    expect(await allowed({ group: 'ctrlmesh.io', resource: 'virtualapps', verb: 'watch' })).toBe(
      true,
    );
    expect(await allowed({ group: 'apps', resource: 'controllerrevisions', verb: 'list' })).toBe(
      true,
    );
    expect(await allowed({ resource: 'pods', verb: 'watch' })).toBe(true);
    for (const [group, resource, verb, subresource] of [
      ['', 'pods', 'delete', ''],
      ['', 'pods', 'update', ''],
      ['', 'pods', 'update', 'status'],
      ['', 'pods', 'create', 'eviction'],
      ['ctrlmesh.io', 'virtualapps', 'update', ''],
      ['ctrlmesh.io', 'virtualapps', 'patch', 'status'],
      ['apps', 'controllerrevisions', 'create', ''],
      ['', 'secrets', 'get', ''],
      ['', 'configmaps', 'list', ''],
    ] as const) {
      expect(
        await allowed({ group, resource, verb, subresource }),
        `${verb} ${resource}/${subresource}`,
      ).toBe(false);
    }
    expect(await allowed({ resource: 'pods', verb: 'list', namespace: 'default' })).toBe(false);
  });

  it('leaves a token not bound to a pod to RBAC alone', async () => {
    const serviceAccountName = (await readPod(podB)).spec?.serviceAccountName ?? '';
    const request = await core.createNamespacedServiceAccountToken({
      name: serviceAccountName,
      namespace,
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    const unbound = tokenKubeConfig('unbound', request.status?.token ?? '').makeApiClient(
      CoreV1Api,
    );
    const patched = await patchStatus(
      unbound,
      podB,
      routesApplied('True', 'Settled', 'go-sample-1a2b3c4d5e'),
    );
    expect(conditionOf(patched, routesAppliedCondition)?.status).toBe('True');
    await eventuallyReady(podB, 'True');
  });

  it('keeps a pod not Ready while its proxy container is not ready, whatever the condition says', async () => {
    await kubelet.markContainersNotReady(podA);
    const ready = await eventuallyReady(podA, 'False', 'ContainersNotReady');
    expect(ready.message).toBe('containers with unready status: [ctrlmesh-proxy]');
    const pod = await readPod(podA);
    expect(conditionOf(pod, routesAppliedCondition)?.status).toBe('True');
    expect(conditionOf(pod, 'ContainersReady')?.status).toBe('False');
    expect(pod.status?.initContainerStatuses?.[0]).toMatchObject({
      name: 'ctrlmesh-proxy',
      ready: false,
    });
    await kubelet.markContainersReady(podA);
    await eventuallyReady(podA, 'True');
  });

  it("ends the pod's token when the pod is deleted", async () => {
    await kubelet.deletePod(podA);
    // The apiserver caches a token's successful authentication for a few seconds (10 s in
    // kube-apiserver's token cache), so the end is not immediate.
    await eventually(
      async () => {
        const review = await admin
          .makeApiClient(AuthenticationV1Api)
          .createTokenReview({ body: { spec: { token: podA.token } } });
        expect(review.status?.authenticated ?? false).toBe(false);
      },
      { what: "pod A's token to stop authenticating", timeoutMs: 20_000 },
    );
    await expect(readPod(podB)).resolves.toMatchObject({ status: { phase: 'Running' } });
  });

  it("keeps deploy/rbac's cluster-wide proxy role the one proxy-runtime's README documents", async () => {
    const deployed = manifestOf<V1ClusterRole>(
      await readDeployManifests('rbac/proxy.yaml'),
      'ClusterRole',
      'ctrlmesh-proxy',
    );
    expect(deployed.rules).toEqual(documentedProxyRbac().clusterRole.rules);
  });
});
