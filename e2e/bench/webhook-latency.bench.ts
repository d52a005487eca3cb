/**
 * Webhook latency: how fast the manager answers its admission webhooks (issue 10: "never slower
 * than 50 ms p99"), measured, not asserted.
 *
 * One kas, one `apps/manager` process (`../support/manager-process.ts`) serving `/inject-pod` and
 * `/validate-virtualapp` with the certificate it makes itself, and deploy/webhooks' two
 * configurations pointing at it by `url:`. Then, each for `--seconds` after a short warm-up, with
 * 1, 8 and 32 clients in a closed loop:
 *
 * - **direct**: AdmissionReviews POSTed to the manager over HTTPS with keep-alive, as the apiserver
 *   sends them: an opted-in pod of a realistic size (a Deployment's pod with probes, resources,
 *   volumes and the service-account volume the apiserver adds before webhooks run) to
 *   `/inject-pod`, the demo's VirtualApp to `/validate-virtualapp`;
 * - **through kas**: dry-run creates of that pod, which kas sends to the manager (the mutating
 *   webhook) and then validates and returns injected; and the same pod without the opt-in label,
 *   which no webhook sees: the difference between the two is what the webhook adds to a create.
 *
 * Reports p50/p99/max per path and concurrency, the manager's CPU per review (from /proc) and its
 * RSS, and kas's CPU per create; prints the load average, since the machine is shared. Writes JSON
 * to bench-results/ like the other benchmarks.
 *
 * Run after `npm run build` and `npm run e2e:prepare`:
 * `npm run -w @ctrlmesh/bench bench:webhooks [-- --seconds=3]`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CoreV1Api, CustomObjectsApi, KubernetesObjectApi } from '@kubernetes/client-node';
import { Pool } from 'undici';
import { canaryVirtualApp } from '../steps/canary-virtual-app.js';
import { givenVirtualAppCrd, virtualApps } from '../steps/virtual-app-crd.js';
import { readDeployManifests } from '../support/deploy-manifests.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/free-port.js';
import { adminKubeConfigOf } from '../support/kas-kube-configs.js';
import { startKas, tokenUsers } from '../support/kas-process.js';
import { eventuallyOneManagerLeader, startManagerProcess } from '../support/manager-process.js';
import { type LatencySummary, summarize } from './latency.js';
import { cpuMs } from './process-cpu.js';
import { writeResult } from './report.js';
import { RssSampler } from './rss-sampler.js';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    'warmup-seconds': { type: 'string', default: '0.5' },
  },
});
const seconds = Number(flags.seconds);
const warmupSeconds = Number(flags['warmup-seconds']);
const concurrencies = [1, 8, 32];
const system = 'ctrlmesh-system';
const apps = 'bench-apps';
const target = 50;

/** An opted-in controller pod as a Deployment makes it, after the apiserver's own admission. */
const controllerPod = (name: string, optIn: boolean) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: apps,
    labels: {
      app: 'go-sample',
      version: 'v1',
      'pod-template-hash': '7d9f8c6b5',
      'app.kubernetes.io/name': 'go-sample',
      'app.kubernetes.io/part-of': 'payments',
      ...(optIn ? { 'ctrlmesh.io/inject': 'enabled' } : {}),
    },
    annotations: {
      'kubectl.kubernetes.io/restartedAt': '2026-11-30T10:00:00Z',
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8080',
    },
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'go-sample-7d9f8c6b5',
        uid: '3c1f7b2e-8a44-4d7e-9f0a-1b2c3d4e5f60',
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  },
  spec: {
    serviceAccountName: 'go-sample',
    terminationGracePeriodSeconds: 30,
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'manager',
        image: 'registry.example.com/payments/go-sample:v1.8.2',
        args: [
          '--leader-elect',
          '--leader-election-id=go-sample',
          '--metrics-bind-address=:8080',
          '--health-probe-bind-address=:8081',
          '--webhook-port=9443',
          '--zap-log-level=info',
        ],
        env: [
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
          { name: 'WATCH_VALUE', value: 'payments' },
          { name: 'VERSION', value: 'v1' },
        ],
        ports: [
          { name: 'metrics', containerPort: 8080, protocol: 'TCP' },
          { name: 'health', containerPort: 8081, protocol: 'TCP' },
          { name: 'webhook', containerPort: 9443, protocol: 'TCP' },
        ],
        resources: {
          requests: { cpu: '100m', memory: '128Mi' },
          limits: { cpu: '1', memory: '512Mi' },
        },
        livenessProbe: {
          httpGet: { path: '/healthz', port: 8081, scheme: 'HTTP' },
          initialDelaySeconds: 15,
          periodSeconds: 20,
        },
        readinessProbe: {
          httpGet: { path: '/readyz', port: 8081, scheme: 'HTTP' },
          initialDelaySeconds: 5,
          periodSeconds: 10,
        },
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
        volumeMounts: [
          { name: 'webhook-certs', mountPath: '/tmp/k8s-webhook-server/serving-certs' },
          { name: 'tmp', mountPath: '/tmp' },
          {
            name: 'kube-api-access-x7k2p',
            mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
            readOnly: true,
          },
        ],
      },
    ],
    volumes: [
      { name: 'webhook-certs', secret: { secretName: 'go-sample-webhook-certs' } },
      { name: 'tmp', emptyDir: {} },
      {
        name: 'kube-api-access-x7k2p',
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            {
              downwardAPI: {
                items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }],
              },
            },
          ],
        },
      },
    ],
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    ],
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              topologyKey: 'kubernetes.io/hostname',
              labelSelector: { matchLabels: { app: 'go-sample' } },
            },
          },
        ],
      },
    },
  },
});

const virtualApp = canaryVirtualApp({
  name: 'go-sample',
  namespace: apps,
  lock: 'go-sample',
  widenedBy: [{ namespaceSelector: { matchLabels: { team: 'payments' } } }],
});

/** An AdmissionReview v1 as kube-apiserver sends it for a CREATE. */
const review = (uid: number, resource: 'pods' | 'virtualapps', object: Record<string, unknown>) => {
  const pods = resource === 'pods';
  const kind = pods
    ? { group: '', version: 'v1', kind: 'Pod' }
    : { group: 'ctrlmesh.io', version: 'v1alpha1', kind: 'VirtualApp' };
  const gvr = { group: kind.group, version: kind.version, resource };
  const metadata = object.metadata as { name: string };
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `00000000-0000-4000-8000-${String(uid).padStart(12, '0')}`,
      kind,
      resource: gvr,
      requestKind: kind,
      requestResource: gvr,
      name: metadata.name,
      namespace: apps,
      operation: 'CREATE',
      userInfo: {
        username: 'system:serviceaccount:kube-system:replicaset-controller',
        uid: 'a8f0c0de-0000-4000-8000-000000000001',
        groups: [
          'system:serviceaccounts',
          'system:serviceaccounts:kube-system',
          'system:authenticated',
        ],
      },
      object,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  });
};

/** One measured row: a path, a concurrency, and what it came to. */
interface Row {
  readonly path: string;
  readonly via: 'direct' | 'kas';
  readonly clients: number;
  readonly latency: LatencySummary;
  readonly errors: number;
  readonly managerCpuUsPerRequest: number;
  readonly kasCpuUsPerRequest: number | undefined;
  readonly managerRssPeakMiB: number;
}

/** Runs `send` from `clients` loops for `ms`; returns each request's latency and the errors. */
const closedLoop = async (
  clients: number,
  ms: number,
  send: () => Promise<void>,
): Promise<{ samples: number[]; errors: string[] }> => {
  const samples: number[] = [];
  const errors: string[] = [];
  const until = performance.now() + ms;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        try {
          await send();
          samples.push(performance.now() - started);
        } catch (error) {
          errors.push((error as Error).message);
        }
      }
    }),
  );
  return { samples, errors };
};

const main = async () => {
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  const dir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-bench-webhooks-'));
  const kas = await startKas({ dir, users: tokenUsers, readyTimeoutMs: 120_000 });
  const pools: Pool[] = [];
  let stopManager: (() => Promise<unknown>) | undefined;
  try {
    console.log(`bench: kas ${kas.info.version} ready at ${kas.info.url}`);
    const admin = adminKubeConfigOf(kas.info);
    const core = admin.makeApiClient(CoreV1Api);
    await givenVirtualAppCrd(admin);
    for (const name of [system, apps]) await core.createNamespace({ body: { metadata: { name } } });
    await core.createNamespacedServiceAccount({
      namespace: apps,
      body: { metadata: { name: 'go-sample' } },
    });
    await admin
      .makeApiClient(CustomObjectsApi)
      .createNamespacedCustomObject({ ...virtualApps, namespace: apps, body: virtualApp });

    // deploy/webhooks as shipped, but called by url: (no Service routing on this machine).
    const port = await freePort();
    const objects = KubernetesObjectApi.makeApiClient(admin);
    for (const file of ['validating', 'mutating']) {
      for (const manifest of await readDeployManifests(
        `webhooks/${file}-webhook-configuration.yaml`,
      )) {
        const hooks = (manifest as { webhooks: { clientConfig: Record<string, unknown> }[] })
          .webhooks;
        for (const hook of hooks) {
          const service = hook.clientConfig.service as { path: string };
          hook.clientConfig = { url: `https://127.0.0.1:${port}${service.path}` };
        }
        await objects.create(manifest);
      }
    }

    const kubeconfig = path.join(dir, 'manager.kubeconfig');
    await writeFile(kubeconfig, admin.exportConfig());
    const manager = startManagerProcess({
      identity: 'bench-manager',
      kubeconfig,
      logDir: dir,
      adminPort: await freePort(),
      webhookPort: port,
      args: [
        `--namespace=${apps}`,
        `--leader-election-namespace=${system}`,
        '--webhook-url-host=127.0.0.1',
        '--proxy-image=localhost/ctrlmesh/proxy:0.1.0',
      ],
    });
    stopManager = () => manager.stop();
    await eventuallyOneManagerLeader([manager]);
    const managerPid = manager.pid;
    if (managerPid === undefined) throw new Error('the manager did not start');
    const caPem = await eventually(
      async () => {
        const secret = await core.readNamespacedSecret({
          name: 'ctrlmesh-webhook-certs',
          namespace: system,
        });
        return Buffer.from(secret.data?.['ca-bundle.crt'] ?? '', 'base64').toString();
      },
      { what: 'the manager to write its certificate Secret' },
    );

    const direct = new Pool(`https://127.0.0.1:${port}`, {
      connections: Math.max(...concurrencies),
      pipelining: 1,
      allowH2: false,
      connect: { ca: caPem },
    });
    const apiserver = new Pool(kas.info.url, {
      connections: Math.max(...concurrencies),
      pipelining: 1,
      allowH2: false,
      connect: { ca: await readFile(kas.info.caFile, 'utf8') },
    });
    pools.push(direct, apiserver);

    let uid = 0;
    const postReview = async (reviewPath: string, body: () => string) => {
      const { statusCode, body: response } = await direct.request({
        method: 'POST',
        path: reviewPath,
        headers: { 'content-type': 'application/json' },
        body: body(),
      });
      const answer = (await response.json()) as {
        response?: { allowed?: boolean; patch?: string };
      };
      if (statusCode !== 200 || answer.response?.allowed !== true) {
        throw new Error(`${reviewPath}: ${statusCode} ${JSON.stringify(answer)}`);
      }
      if (reviewPath === '/inject-pod' && !answer.response.patch) {
        throw new Error('/inject-pod: allowed without a patch');
      }
    };
    const podBody = controllerPod('go-sample-7d9f8c6b5-x2k4q', true);
    const plainPodBody = controllerPod('go-sample-7d9f8c6b5-x2k4q', false);
    const dryRunCreate = async (pod: typeof podBody, injected: boolean) => {
      const { statusCode, body: response } = await apiserver.request({
        method: 'POST',
        path: `/api/v1/namespaces/${apps}/pods?dryRun=All`,
        headers: {
          authorization: `Bearer ${kas.info.admin.token}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(pod),
      });
      const created = (await response.json()) as {
        spec?: { initContainers?: { name: string }[] };
      };
      const proxied =
        created.spec?.initContainers?.some((c) => c.name === 'ctrlmesh-proxy') === true;
      if (statusCode !== 201 || proxied !== injected) {
        throw new Error(`dry-run create: ${statusCode} ${JSON.stringify(created).slice(0, 300)}`);
      }
    };
    // kas reads webhook configurations and their caBundle through an informer.
    await eventually(() => dryRunCreate(podBody, true), {
      what: 'kas to call the manager for an opted-in pod',
    });

    const cases: { path: string; via: Row['via']; send: () => Promise<void> }[] = [
      {
        path: '/inject-pod',
        via: 'direct',
        send: () => postReview('/inject-pod', () => review(uid++, 'pods', podBody)),
      },
      {
        path: '/validate-virtualapp',
        via: 'direct',
        send: () =>
          postReview('/validate-virtualapp', () => review(uid++, 'virtualapps', virtualApp)),
      },
      {
        path: 'pod create, opted in (webhook called)',
        via: 'kas',
        send: () => dryRunCreate(podBody, true),
      },
      {
        path: 'pod create, no opt-in (no webhook)',
        via: 'kas',
        send: () => dryRunCreate(plainPodBody, false),
      },
    ];
    console.log(
      `bench: ${seconds} s per row after ${warmupSeconds} s of warm-up, ${concurrencies.join('/')} clients`,
    );
    const rss = new RssSampler(managerPid);
    rss.enter('idle');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const rows: Row[] = [];
    for (const c of cases) {
      for (const clients of concurrencies) {
        const phase = `${c.via} ${c.path} x${clients}`;
        await closedLoop(clients, warmupSeconds * 1000, c.send);
        rss.enter(phase);
        const managerBefore = cpuMs(managerPid);
        const kasBefore = cpuMs(kas.info.pid);
        const { samples, errors } = await closedLoop(clients, seconds * 1000, c.send);
        const managerCpu = cpuMs(managerPid) - managerBefore;
        const kasCpu = cpuMs(kas.info.pid) - kasBefore;
        if (errors.length > 0)
          console.warn(`bench: ${phase}: ${errors.length} errors, first: ${errors[0]}`);
        const count = Math.max(samples.length, 1);
        rows.push({
          path: c.path,
          via: c.via,
          clients,
          latency: summarize(samples),
          errors: errors.length,
          managerCpuUsPerRequest: Math.round((managerCpu * 1000) / count),
          kasCpuUsPerRequest: c.via === 'kas' ? Math.round((kasCpu * 1000) / count) : undefined,
          managerRssPeakMiB: 0,
        });
      }
    }
    const rssByPhase = rss.stop();
    const table = rows.map((r) => ({
      ...r,
      managerRssPeakMiB: rssByPhase[`${r.via} ${r.path} x${r.clients}`]?.peakMiB ?? Number.NaN,
    }));
    const loadAfter = loadavg();

    const fmt = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
    const lines = [
      [
        'via',
        'path',
        'clients',
        'reviews/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'manager CPU/review',
        'kas CPU/create',
        'manager RSS peak',
        'errors',
      ],
      ...table.map((r) => [
        r.via,
        r.path,
        String(r.clients),
        String(Math.round(r.latency.count / seconds)),
        fmt(r.latency.p50),
        fmt(r.latency.p99),
        fmt(r.latency.max),
        `${r.managerCpuUsPerRequest} us`,
        r.kasCpuUsPerRequest === undefined ? '-' : `${r.kasCpuUsPerRequest} us`,
        `${fmt(r.managerRssPeakMiB)} MiB`,
        String(r.errors),
      ]),
    ];
    const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
    const format = (l: string[]) => `| ${l.map((t, i) => t.padEnd(widths[i]!)).join(' | ')} |`;
    console.log(`\n${format(lines[0]!)}`);
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const l of lines.slice(1)) console.log(format(l));
    const directP99 = Math.max(
      ...table.filter((r) => r.via === 'direct').map((r) => r.latency.p99),
    );
    console.log(
      `\nthe webhooks' worst p99, direct: ${fmt(directP99)} ms (target: at most ${target} ms)`,
    );
    console.log(`manager RSS: idle ${fmt(rssByPhase.idle?.peakMiB ?? Number.NaN)} MiB`);
    console.log(
      `machine: load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${loadAfter
        .map((l) => l.toFixed(1))
        .join(' ')} after`,
    );
    const file = await writeResult('webhook-latency', {
      startedAt,
      secondsPerRow: seconds,
      warmupSeconds,
      kasVersion: kas.info.version,
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadAfter,
      managerRss: rssByPhase,
      rows: table,
      worstDirectP99Ms: directP99,
      targetP99Ms: target,
    });
    console.log(`bench: wrote ${file}`);
  } finally {
    for (const pool of pools) await pool.close();
    await stopManager?.();
    await kas.stop();
    if (process.env.CTRLMESH_BENCH_KEEP === '1') console.log(`bench: kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
};

await main();
