import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { type ControlPlane, eventuallySettled, givenControlPlane } from '../steps/control-plane.js';
import { givenMutatingWebhook } from '../steps/mutating-webhook.js';
import {
  givenProxy,
  givenProxyIdentity,
  givenProxyRoutesIdentity,
  givenVirtualApp,
  type MeshProxy,
} from '../steps/proxy.js';
import {
  eventuallyReconciledBy,
  uniqueWatchValue,
  watchLabel,
} from '../steps/sample-controller-replicas.js';
import {
  faultInjections,
  givenTrafficPolicyCrds,
  trafficPolicies,
} from '../steps/traffic-policy-crds.js';
import { givenVirtualAppCrd, virtualApps } from '../steps/virtual-app-crd.js';
import {
  type AdmissionWebhookServer,
  startAdmissionWebhookServer,
} from '../support/admission-webhook-server.js';
import { eventually } from '../support/eventually.js';
import { adminKubeConfig } from '../support/kube-config.js';
import { eventuallyOneManagerLeader } from '../support/manager-process.js';
import { startMeshProxy } from '../support/mesh-proxy.js';
import { type PretendKubelet, startPretendKubelet } from '../support/pretend-kubelet.js';
import { answerThroughProxy, requestThroughProxy } from '../support/proxy-request.js';
import { type SampleController, startSampleController } from '../support/sample-controller.js';
import { uniqueNamespace } from '../support/unique-namespace.js';
import { issueWebhookCertificate } from '../support/webhook-certificate.js';

const configMaps = [{ apiGroups: [''], resources: ['configmaps'] }];
const writes = [{ verbs: ['update', 'patch'], resources: configMaps }];

/** The sum of a metric's series whose labels include `labels`, from a /metrics text. */
const metricValue = (text: string, name: string, labels: Record<string, string>): number => {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const space = line.lastIndexOf(' ');
    const series = line.slice(0, space);
    if (Object.entries(labels).every(([key, value]) => series.includes(`${key}="${value}"`)))
      sum += Number(line.slice(space + 1));
  }
  return sum;
};

/** The most timestamps (ms) that fall in any window `[t, t + windowMs)`. */
const busiestWindow = (times: readonly number[], windowMs: number): number => {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[j] ?? Number.POSITIVE_INFINITY) < (sorted[i] ?? 0) + windowMs) j++;
    most = Math.max(most, j - i);
  }
  return most;
};

interface WatchEvent {
  readonly type: string;
  readonly object: { readonly code?: number; readonly reason?: string; readonly message?: string };
}

/** Reads watch events (JSON lines) until an ERROR event or the end; returns them all. */
const readWatch = async (res: IncomingMessage): Promise<WatchEvent[]> => {
  const events: WatchEvent[] = [];
  let rest = '';
  for await (const chunk of res) {
    rest += (chunk as Buffer).toString('utf8');
    for (let newline = rest.indexOf('\n'); newline >= 0; newline = rest.indexOf('\n')) {
      const line = rest.slice(0, newline);
      rest = rest.slice(newline + 1);
      if (line.trim() === '') continue;
      const event = JSON.parse(line) as WatchEvent;
      events.push(event);
      if (event.type === 'ERROR') {
        res.destroy();
        return events;
      }
    }
  }
  return events;
};

describe('Traffic policies: a controller under rate limits, breakers and injected faults (DESIGN §8)', () => {
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const run = randomBytes(3).toString('hex');
  const fence = (story: string) => ({ [`e2e.ctrlmesh.io/traffic-${story}`]: run });
  // The namespaces whose ConfigMap updates the counting webhook sees.
  const counted = { 'e2e.ctrlmesh.io/traffic-webhook': run };
  let workDir: string;
  let home: string;
  let tokenFile: string;
  let webhook: AdmissionWebhookServer;
  let removeWebhook: () => Promise<void> = async () => undefined;
  const proxies: MeshProxy[] = [];
  const controllers: SampleController[] = [];
  /** ConfigMap updates as the apiserver sees them: namespace, name and when the webhook got them. */
  const updates: { namespace: string; name: string; at: number }[] = [];
  /** Namespaces whose ConfigMap updates the webhook fails with 500: the apiserver's own errors. */
  const failing = new Set<string>();

  /**
   * One story: a pod of VirtualApp `traffic-<story>` (fenced to its namespaces) behind a proxy
   * reading `policies` from a file, and, unless told otherwise, the Go sample controller.
   */
  const givenStory = async (
    story: string,
    policies: (app: string) => Record<string, unknown>[],
    options: { controller: boolean; labels?: Record<string, string> },
  ) => {
    const app = `traffic-${story}`;
    const namespace = await uniqueNamespace(`traffic-${story}`, {
      ...fence(story),
      ...options.labels,
    });
    const virtualAppFile = path.join(workDir, `${app}.virtualapp.yaml`);
    await givenVirtualApp(virtualAppFile, {
      apiVersion: 'ctrlmesh.io/v1alpha1',
      kind: 'VirtualApp',
      metadata: { name: app, namespace: home },
      spec: {
        selector: { matchLabels: { app } },
        route: { globalLimits: [{ namespaceSelector: { matchLabels: fence(story) } }] },
      },
    });
    const policyFile = path.join(workDir, `${app}.policies.yaml`);
    await writeFile(
      policyFile,
      policies(app)
        .map((doc) => stringify(doc))
        .join('---\n'),
    );
    const podName = `${app}-0`;
    const proxy = await givenProxy({
      podName,
      podNamespace: home,
      podLabels: { app },
      virtualAppFile,
      tokenFile,
      workDir,
      extraArgs: ['--traffic-policy', policyFile],
    });
    // Ready means the policy file was read: it is loaded before the proxy listens.
    proxies.push(proxy);
    const watchValue = uniqueWatchValue(app);
    let controller: SampleController | undefined;
    if (options.controller) {
      controller = startSampleController({
        kind: 'go',
        podName,
        podNamespace: home,
        kubeconfig: proxy.kubeconfig,
        logDir: workDir,
        leaderElectionName: `${app}-${run}`,
        env: { WATCH_VALUE: watchValue },
      });
      controllers.push(controller);
    }
    return { app, namespace, proxy, controller, watchValue, stamp: `${podName}@v1` };
  };

  const createConfigMaps = async (namespace: string, count: number, watchValue: string) => {
    const names = Array.from({ length: count }, (_, i) => `settings-${i}`);
    await Promise.all(
      names.map((name) =>
        core.createNamespacedConfigMap({
          namespace,
          body: { metadata: { name, labels: watchLabel(watchValue) }, data: { n: '0' } },
        }),
      ),
    );
    return names;
  };

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-traffic-'));
    home = await uniqueNamespace('traffic-home', { ...fence('a'), ...fence('b'), ...fence('c') });
    tokenFile = await givenProxyIdentity(admin, workDir);
    const certificate = await issueWebhookCertificate(path.join(workDir, 'webhook'));
    webhook = await startAdmissionWebhookServer(certificate, (request) => {
      const { namespace = '', name = '' } = request;
      updates.push({ namespace, name, at: Date.now() });
      return failing.has(namespace)
        ? { allowed: false, code: 500, message: 'the apiserver is failing writes (e2e)' }
        : { allowed: true };
    });
    removeWebhook = await givenMutatingWebhook(admin, {
      name: `e2e-traffic-${run}`,
      url: `${webhook.url}/count`,
      caBundle: webhook.caBundle,
      rules: [
        {
          operations: ['UPDATE'],
          apiGroups: [''],
          apiVersions: ['v1'],
          resources: ['configmaps'],
        },
      ],
      namespaceLabels: counted,
    });
  });

  afterAll(async () => {
    await Promise.all(controllers.map((controller) => controller.stop()));
    await Promise.all(proxies.map((proxy) => proxy.stop()));
    await removeWebhook();
    await webhook?.close();
    if (process.env.CTRLMESH_E2E_KEEP === '1') console.log(`e2e: kept ${workDir}`);
    else if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('(a) with 30% 500s and 20% 409s on its ConfigMap writes and watches cut every 50 events, the controller still reconciles everything, and the proxy counts exactly the faults it saw', async () => {
    const { namespace, proxy, controller, watchValue, stamp } = await givenStory(
      'a',
      (app) => [
        {
          apiVersion: 'ctrlmesh.io/v1alpha1',
          kind: 'FaultInjection',
          metadata: { name: 'chaos', namespace: home },
          spec: {
            targetVirtualApps: [{ name: app }],
            faults: [
              { name: 'errors', probability: 0.3, abort: { code: 500 }, match: writes },
              // Drawn only for writes the 500s spared: 0.7 * 2/7 = 20% of all writes.
              { name: 'conflicts', probability: 2 / 7, abort: { code: 409 }, match: writes },
              {
                name: 'cut-watches',
                probability: 1,
                watch: { afterEvents: 50, end: 'Expired' },
                match: [{ resources: configMaps }],
              },
              // The same cut on Secrets, for a client of our own that counts what it sees.
              {
                name: 'cut-counted-watches',
                probability: 1,
                watch: { afterEvents: 50, end: 'Expired' },
                match: [{ resources: [{ apiGroups: [''], resources: ['secrets'] }] }],
              },
            ],
          },
        },
      ],
      { controller: true },
    );
    const names = await createConfigMaps(namespace, 80, watchValue);
    for (const name of names) await eventuallyReconciledBy(core, namespace, name, stamp, 120_000);

    // Every fault the controller met is a reconcile error naming it (client-go retries neither
    // a 409 nor a 500 without Retry-After): the proxy counted exactly those.
    const seen = await eventually(
      async () => {
        const entries = (await controller?.logEntries()) ?? [];
        const errors = entries
          .filter((e) => e.msg === 'Reconciler error')
          .map((e) => String(e.error));
        const saw = (fault: string) => errors.filter((e) => e.includes(`fault ${fault}`)).length;
        const metrics = await proxy.metrics();
        const injected = (fault: string, code: string) =>
          metricValue(metrics, 'ctrlmesh_proxy_faults_injected_total', {
            policy: `${home}/chaos`,
            fault,
            kind: 'abort',
            code,
          });
        expect(saw('errors')).toBeGreaterThan(0);
        expect(saw('conflicts')).toBeGreaterThan(0);
        expect(injected('errors', '500')).toBe(saw('errors'));
        expect(injected('conflicts', '409')).toBe(saw('conflicts'));
        const cuts = metricValue(metrics, 'ctrlmesh_proxy_faults_injected_total', {
          fault: 'cut-watches',
          kind: 'watch',
          code: '410',
        });
        expect(cuts).toBeGreaterThan(0);
        const reconciled = entries.filter((e) => e.msg === 'reconciled').length;
        return { errors: saw('errors'), conflicts: saw('conflicts'), reconciled, cuts };
      },
      { what: "the proxy's fault counts to equal the controller's reconcile errors" },
    );
    // The rates hold within five standard deviations of the writes made.
    const writesMade = seen.errors + seen.conflicts + seen.reconciled;
    for (const [count, p] of [
      [seen.errors, 0.3],
      [seen.conflicts, 0.2],
    ] as const) {
      const spread = 5 * Math.sqrt(writesMade * p * (1 - p));
      expect(Math.abs(count - writesMade * p)).toBeLessThanOrEqual(spread);
    }

    // A client of our own sees each cut: 50 events, then a 410 ERROR event naming the fault.
    const token = inject('kas').admin.token;
    for (let round = 0; round < 2; round++) {
      const list = await answerThroughProxy(proxy, `/api/v1/namespaces/${namespace}/secrets`, {
        token,
      });
      const from = (list.body.metadata as { resourceVersion: string }).resourceVersion;
      const res = await requestThroughProxy(
        proxy,
        `/api/v1/namespaces/${namespace}/secrets?watch=true&resourceVersion=${from}`,
        { token },
      );
      const events = readWatch(res);
      for (let i = 0; i < 60; i++)
        await core.createNamespacedSecret({
          namespace,
          body: { metadata: { name: `counted-${round}-${i}` }, stringData: { k: 'v' } },
        });
      const seenEvents = await events;
      expect(seenEvents.filter((e) => e.type === 'ADDED')).toHaveLength(50);
      expect(seenEvents.at(-1)).toMatchObject({
        type: 'ERROR',
        object: { code: 410, reason: 'Expired' },
      });
      expect(seenEvents.at(-1)?.object.message).toContain('fault cut-counted-watches');
    }
    const metrics = await proxy.metrics();
    expect(
      metricValue(metrics, 'ctrlmesh_proxy_faults_injected_total', {
        fault: 'cut-counted-watches',
      }),
    ).toBe(2);
  });

  it('(b) a 5 qps limit on its writes holds the rate the apiserver sees', async () => {
    const { namespace, proxy, watchValue, stamp } = await givenStory(
      'b',
      (app) => [
        {
          apiVersion: 'ctrlmesh.io/v1alpha1',
          kind: 'TrafficPolicy',
          metadata: { name: 'protect', namespace: home },
          spec: {
            targetVirtualApps: [{ name: app }],
            rateLimits: [{ name: 'writes', qps: 5, burst: 5, match: writes }],
          },
        },
      ],
      { controller: true, labels: counted },
    );
    const names = await createConfigMaps(namespace, 40, watchValue);
    for (const name of names) await eventuallyReconciledBy(core, namespace, name, stamp, 90_000);
    const seen = updates.filter((u) => u.namespace === namespace).map((u) => u.at);
    expect(seen.length).toBeGreaterThanOrEqual(names.length);
    // At most burst + qps * t in any window t, as the apiserver received them (one request of
    // slack for the way from the proxy to the webhook).
    for (const windowMs of [1_000, 2_000, 5_000])
      expect(busiestWindow(seen, windowMs), `${windowMs} ms`).toBeLessThanOrEqual(
        5 + (5 * windowMs) / 1_000 + 1,
      );
    const rejected = metricValue(await proxy.metrics(), 'ctrlmesh_proxy_policy_rejections_total', {
      policy: `${home}/protect`,
      rule: 'writes',
      reason: 'RateLimited',
    });
    expect(rejected).toBeGreaterThan(0);
  });

  it('(c) a breaker opens on upstream errors, stops writes within a second, and half-open probes close it when the errors stop', async () => {
    const { namespace, proxy } = await givenStory(
      'c',
      (app) => [
        {
          apiVersion: 'ctrlmesh.io/v1alpha1',
          kind: 'TrafficPolicy',
          metadata: { name: 'breaker', namespace: home },
          spec: {
            targetVirtualApps: [{ name: app }],
            circuitBreakers: [
              {
                name: 'writes',
                consecutiveFailures: 3,
                openSeconds: 2,
                halfOpenProbes: 2,
                match: writes,
              },
            ],
          },
        },
      ],
      { controller: false, labels: counted },
    );
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'target' } } });
    const token = inject('kas').admin.token;
    const sent: { at: number; status: number; message: string }[] = [];
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const at = Date.now();
        const answer = await answerThroughProxy(
          proxy,
          `/api/v1/namespaces/${namespace}/configmaps/target`,
          {
            token,
            method: 'PATCH',
            body: JSON.stringify({ data: { n: String(i) } }),
            contentType: 'application/merge-patch+json',
          },
        );
        sent.push({ at, status: answer.status, message: String(answer.body.message ?? '') });
        await sleep(25);
      }
    })();
    const open = (w: (typeof sent)[number]) =>
      w.status === 503 && w.message.includes('circuit breaker "writes"');
    try {
      await eventually(
        () => expect(sent.filter((w) => w.status === 200).length).toBeGreaterThanOrEqual(5),
        { what: 'writes to go through while the apiserver is well' },
      );
      const failedFrom = Date.now();
      failing.add(namespace);
      const opened = await eventually(
        () => {
          const first = sent.find((w) => w.at >= failedFrom && open(w));
          if (first === undefined) throw new Error('no write was refused by the breaker yet');
          return first;
        },
        { what: 'the breaker to open' },
      );
      const firstFailure = sent.find((w) => w.at >= failedFrom && w.status === 500);
      expect(firstFailure).toBeDefined();
      // Opened within a second of the apiserver's first failure, on our own clock.
      expect(opened.at - (firstFailure?.at ?? 0)).toBeLessThanOrEqual(1_000);
      // The apiserver keeps failing a while; the breaker holds the writes back meanwhile.
      await sleep(3_000);
      const healedAt = Date.now();
      failing.delete(namespace);
      const whileOpen = sent.filter((w) => w.at > opened.at && w.at < healedAt);
      const reached = updates.filter(
        (u) => u.namespace === namespace && u.at > opened.at && u.at < healedAt,
      );
      expect(whileOpen.length).toBeGreaterThan(20);
      // Only half-open probes reach the apiserver: at most 2 per 2 s it stays open.
      expect(reached.length).toBeLessThanOrEqual(2 * Math.ceil((healedAt - opened.at) / 2_000));
      await eventually(
        async () => {
          expect(sent.some((w) => w.at > healedAt && w.status === 200)).toBe(true);
          const metrics = await proxy.metrics();
          const state = (s: string) =>
            metricValue(metrics, 'ctrlmesh_proxy_circuit_breaker_state', {
              rule: 'writes',
              state: s,
            });
          expect(state('Closed')).toBe(1);
          expect(state('Open')).toBe(0);
        },
        { what: 'half-open probes to close the breaker', timeoutMs: 15_000 },
      );
      expect(
        metricValue(await proxy.metrics(), 'ctrlmesh_proxy_policy_rejections_total', {
          rule: 'writes',
          reason: 'CircuitOpen',
        }),
      ).toBeGreaterThan(0);
    } finally {
      stop = true;
      failing.delete(namespace);
      await writer;
    }
  });
});

// Cluster mode: the proxy follows the TrafficPolicies and FaultInjections of its namespace with its
// own token (the Role of proxy-runtime's README), as it follows its VirtualApp. The test publishes
// the VirtualApp's revision itself, as the manager would.
describe('Traffic policies from the cluster (--virtualapp-name)', () => {
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const custom = admin.makeApiClient(CustomObjectsApi);
  const token = inject('kas').admin.token;
  const fence = { 'e2e.ctrlmesh.io/traffic-cluster': randomBytes(3).toString('hex') };
  const app = 'policed';
  const pod = `${app}-0`;
  let workDir: string;
  let home: string;
  let proxy: MeshProxy | undefined;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-traffic-cluster-'));
    await givenVirtualAppCrd(admin);
    await givenTrafficPolicyCrds(admin);
    home = await uniqueNamespace('traffic-cluster', fence);
    await core.createNamespacedConfigMap({
      namespace: home,
      body: { metadata: { name: 'settings' } },
    });
    const tokenFile = await givenProxyIdentity(admin, workDir);
    await givenProxyRoutesIdentity(admin, home);
    await core.createNamespacedPod({
      namespace: home,
      body: {
        metadata: { name: pod, labels: { app } },
        spec: { containers: [{ name: 'controller', image: 'example.invalid/controller' }] },
      },
    });
    const spec = {
      selector: { matchLabels: { app } },
      route: { globalLimits: [{ namespaceSelector: { matchLabels: fence } }] },
    };
    await custom.createNamespacedCustomObject({
      ...virtualApps,
      namespace: home,
      body: {
        apiVersion: 'ctrlmesh.io/v1alpha1',
        kind: 'VirtualApp',
        metadata: { name: app },
        spec,
      },
    });
    const revision = `${app}-aaaaaaaaaa`;
    await admin.makeApiClient(AppsV1Api).createNamespacedControllerRevision({
      namespace: home,
      body: {
        metadata: { name: revision, labels: { 'ctrlmesh.io/virtual-app': app } },
        data: { spec },
        revision: 1,
      },
    });
    await custom.patchNamespacedCustomObjectStatus(
      {
        ...virtualApps,
        namespace: home,
        name: app,
        body: {
          status: {
            routing: { observedGeneration: 1, currentRevision: revision, phase: 'Settled' },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    proxy = await givenProxy({
      podName: pod,
      podNamespace: home,
      podLabels: { app },
      virtualAppName: app,
      tokenFile,
      workDir,
    });
  });

  afterAll(async () => {
    await proxy?.stop();
    if (process.env.CTRLMESH_E2E_KEEP === '1') console.log(`e2e: kept ${workDir}`);
    else if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  const get = () =>
    answerThroughProxy(proxy as MeshProxy, `/api/v1/namespaces/${home}/configmaps/settings`, {
      token,
    });
  const create = (name: string) =>
    answerThroughProxy(proxy as MeshProxy, `/api/v1/namespaces/${home}/configmaps`, {
      token,
      method: 'POST',
      body: JSON.stringify({ metadata: { name } }),
    });

  it('applies a FaultInjection and a TrafficPolicy as they are created, and stops when they are deleted', async () => {
    expect((await get()).status).toBe(200);
    await custom.createNamespacedCustomObject({
      ...faultInjections,
      namespace: home,
      body: {
        apiVersion: 'ctrlmesh.io/v1alpha1',
        kind: 'FaultInjection',
        metadata: { name: 'unavailable-reads' },
        spec: {
          targetVirtualApps: [{ name: app }],
          faults: [
            {
              name: 'reads',
              probability: 1,
              abort: { code: 503, retryAfterSeconds: 1 },
              match: [{ verbs: ['get'], resources: configMaps }],
            },
          ],
        },
      },
    });
    await custom.createNamespacedCustomObject({
      ...trafficPolicies,
      namespace: home,
      body: {
        apiVersion: 'ctrlmesh.io/v1alpha1',
        kind: 'TrafficPolicy',
        metadata: { name: 'frozen' },
        spec: {
          targetVirtualApps: [{ name: app }],
          circuitBreakers: [{ name: 'creates', mode: 'ForceOpen', match: [{ verbs: ['create'] }] }],
        },
      },
    });
    await eventually(
      async () => {
        const answer = await get();
        expect(answer.status).toBe(503);
        expect(answer.body).toMatchObject({
          reason: 'ServiceUnavailable',
          details: { retryAfterSeconds: 1 },
        });
        expect(String(answer.body.message)).toContain(
          `FaultInjection ${home}/unavailable-reads fault reads`,
        );
        const refused = await create('never');
        expect(refused.status).toBe(503);
        expect(String(refused.body.message)).toContain('circuit breaker "creates"');
      },
      { what: 'the proxy to apply the policies it reads from the cluster' },
    );
    await custom.deleteNamespacedCustomObject({
      ...faultInjections,
      namespace: home,
      name: 'unavailable-reads',
    });
    await custom.deleteNamespacedCustomObject({
      ...trafficPolicies,
      namespace: home,
      name: 'frozen',
    });
    await eventually(
      async () => {
        expect((await get()).status).toBe(200);
        expect((await create('now')).status).toBe(201);
      },
      { what: 'the proxy to drop the deleted policies' },
    );
  });
});

// Decision 0006: the proxy reports its policies' state on its own pod, the manager sums the
// reports into each policy's status. One manager, one meshed pod (the harness plays kubelet),
// requests sent through the proxy by the test.
describe("A policy's status shows what its pods' proxies do (decision 0006)", () => {
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const custom = admin.makeApiClient(CustomObjectsApi);
  const token = inject('kas').admin.token;
  const fence = { 'e2e.ctrlmesh.io/policy-status': randomBytes(3).toString('hex') };
  const app = 'reported';
  let workDir: string;
  let plane: ControlPlane;
  let kubelet: PretendKubelet;
  let proxy: MeshProxy | undefined;

  interface PolicyStatus {
    observedGeneration?: number;
    podsSelected?: number;
    podsReporting?: number;
    laggingPods?: string[];
    circuitBreakers?: {
      name: string;
      closedPods: number;
      openPods: number;
      halfOpenPods: number;
      admitted: number;
      rejected: number;
    }[];
    faults?: { name: string; kind?: string; injected: number }[];
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  }
  const statusOf = async (resource: typeof trafficPolicies, name: string) =>
    (
      (await custom.getNamespacedCustomObject({ ...resource, namespace: plane.home, name })) as {
        status?: PolicyStatus;
      }
    ).status ?? {};

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-policy-status-'));
    await givenTrafficPolicyCrds(admin);
    plane = await givenControlPlane({ admin, workDir, homeLabels: fence, replicas: 1 });
    await eventuallyOneManagerLeader(plane.managers);
    await core.createNamespacedConfigMap({
      namespace: plane.home,
      body: { metadata: { name: 'settings' } },
    });
    await custom.createNamespacedCustomObject({
      ...virtualApps,
      namespace: plane.home,
      body: {
        apiVersion: 'ctrlmesh.io/v1alpha1',
        kind: 'VirtualApp',
        metadata: { name: app },
        spec: {
          selector: { matchLabels: { app } },
          route: { globalLimits: [{ namespaceSelector: { matchLabels: fence } }] },
        },
      },
    });
    await eventuallySettled(admin, plane.home, app, 1);
    kubelet = startPretendKubelet(admin, { workDir });
    const pod = await kubelet.startPod({
      name: `${app}-0`,
      namespace: plane.home,
      labels: { app },
      serviceAccountName: plane.serviceAccountName,
    });
    proxy = await startMeshProxy(inject('kas'), {
      podName: pod.name,
      podNamespace: pod.namespace,
      podLabels: { app },
      virtualAppName: app,
      tokenFile: pod.tokenFile,
      workDir,
      readyTimeoutMs: 30_000,
    });
  });

  afterAll(async () => {
    await proxy?.stop();
    await kubelet?.stop();
    await plane?.stop();
    if (process.env.CTRLMESH_E2E_KEEP === '1') console.log(`e2e: kept ${workDir}`);
    else if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  const create = (name: string) =>
    answerThroughProxy(proxy as MeshProxy, `/api/v1/namespaces/${plane.home}/configmaps`, {
      token,
      method: 'POST',
      body: JSON.stringify({ metadata: { name } }),
    });

  it('counts a breaker open on its pod, then closed again, and the faults injected as the proxy does', async () => {
    const creates = [{ verbs: ['create'], resources: configMaps }];
    await custom.createNamespacedCustomObject({
      ...faultInjections,
      namespace: plane.home,
      body: {
        apiVersion: 'ctrlmesh.io/v1alpha1',
        kind: 'FaultInjection',
        metadata: { name: 'failing-creates' },
        spec: {
          targetVirtualApps: [{ name: app }],
          faults: [
            { name: 'errors', probability: 1, maxCount: 2, abort: { code: 500 }, match: creates },
          ],
        },
      },
    });
    await custom.createNamespacedCustomObject({
      ...trafficPolicies,
      namespace: plane.home,
      body: {
        apiVersion: 'ctrlmesh.io/v1alpha1',
        kind: 'TrafficPolicy',
        metadata: { name: 'guard' },
        spec: {
          targetVirtualApps: [{ name: app }],
          circuitBreakers: [
            {
              name: 'creates',
              consecutiveFailures: 2,
              openSeconds: 3,
              halfOpenProbes: 1,
              match: creates,
            },
          ],
        },
      },
    });
    // The pod applies both (its report names their generation) before any request is sent.
    const applied = await eventually(
      async () => {
        const status = await statusOf(trafficPolicies, 'guard');
        expect(status).toMatchObject({ observedGeneration: 1, podsSelected: 1, podsReporting: 1 });
        expect((await statusOf(faultInjections, 'failing-creates')).podsReporting).toBe(1);
        return status;
      },
      { what: "the manager to see the pod's proxy apply both policies", timeoutMs: 30_000 },
    );
    expect(applied.conditions).toEqual([
      expect.objectContaining({ type: 'Accepted', status: 'True' }),
      expect.objectContaining({
        type: 'Applied',
        status: 'True',
        message: 'all 1 live pods apply generation 1',
      }),
    ]);
    expect(applied.circuitBreakers).toEqual([
      expect.objectContaining({ name: 'creates', closedPods: 1, openPods: 0 }),
    ]);

    // Two injected 500s open the breaker; the third create is refused by it.
    expect((await create('first')).status).toBe(500);
    expect((await create('second')).status).toBe(500);
    expect((await create('third')).status).toBe(503);
    const open = await eventually(
      async () => {
        const [breaker] = (await statusOf(trafficPolicies, 'guard')).circuitBreakers ?? [];
        expect(breaker).toMatchObject({ openPods: 1, closedPods: 0, halfOpenPods: 0 });
        return breaker;
      },
      { what: 'the open breaker in the TrafficPolicy status', timeoutMs: 10_000 },
    );
    expect(open).toMatchObject({ admitted: 2, rejected: 1 });
    await eventually(
      async () => {
        const [fault] = (await statusOf(faultInjections, 'failing-creates')).faults ?? [];
        expect(fault).toEqual({ name: 'errors', kind: 'abort', injected: 2 });
        const metrics = await (proxy as MeshProxy).metrics();
        expect(
          metricValue(metrics, 'ctrlmesh_proxy_faults_injected_total', {
            policy: `${plane.home}/failing-creates`,
          }),
        ).toBe(fault?.injected);
      },
      { what: 'the FaultInjection status to count what the proxy injected', timeoutMs: 20_000 },
    );

    // Open for three seconds; the probe finds no fault left (maxCount), and closes it.
    await eventually(
      async () => {
        expect((await create(`probe-${randomBytes(2).toString('hex')}`)).status).toBe(201);
      },
      { what: 'a half-open probe to succeed', timeoutMs: 10_000 },
    );
    await eventually(
      async () => {
        const [breaker] = (await statusOf(trafficPolicies, 'guard')).circuitBreakers ?? [];
        expect(breaker).toMatchObject({ openPods: 0, closedPods: 1, halfOpenPods: 0 });
      },
      { what: 'the closed breaker in the TrafficPolicy status', timeoutMs: 10_000 },
    );
  });
});
