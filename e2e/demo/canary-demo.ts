/**
 * `npm run demo`: the canary update of DESIGN §1 on the whole system, told step by step on a
 * real kube-apiserver.
 *
 * ControllerMesh is installed from deploy/ (the local-demo overlay); the manager runs as the pod
 * its Deployment describes, and its webhooks validate the VirtualApp and inject the proxy into
 * the Go sample controller's pods (v1 x2, v2 x1), made from Deployment templates. The canary is
 * widened and rolled back by editing the VirtualApp object, with `ctrlmesh diff` before and
 * `ctrlmesh status` after. kas runs no controller-manager, scheduler or kubelet: the demo plays
 * them (pretend-deployments.ts, support/pretend-kubelet.ts, pod-processes.ts) and says so. Every
 * wait is bounded; a failure names its step and exits 1 with the logs kept. `--keep` (or
 * CTRLMESH_DEMO_KEEP=1) keeps the work directory of a good run too.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type V1Pod,
} from '@kubernetes/client-node';
import { canaryVirtualApp } from '../steps/canary-virtual-app.js';
import type { Routing } from '../steps/control-plane.js';
import { eventuallySettled } from '../steps/control-plane.js';
import { leaseHolder, watchLabel } from '../steps/sample-controller-replicas.js';
import { virtualApps } from '../steps/virtual-app-crd.js';
import { statusOf } from '../support/api-status.js';
import { runCtrlmesh } from '../support/ctrlmesh-cli.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/free-port.js';
import { adminKubeConfigOf, loadKubeConfig } from '../support/kas-kube-configs.js';
import { startOwnershipChecker } from '../support/ownership-checker.js';
import { startPretendKubelet } from '../support/pretend-kubelet.js';
import { writeVirtualApp } from '../support/virtual-app-file.js';
import { compactYaml } from './compact-yaml.js';
import {
  applyServerSide,
  demoOverlay,
  forThisMachine,
  managerWebhookPort,
  renderDeploy,
  writeManifests,
} from './demo-install.js';
import { startDemoKas } from './demo-kas.js';
import {
  configMapName,
  createDemoNamespaces,
  type DemoNamespace,
  eventuallyReconciledAsExpected,
  formatLabels,
  reconciledRows,
} from './demo-namespaces.js';
import { goSampleAccount, goSampleApp } from './go-sample-app.js';
import { editAndFollowHandover } from './handover.js';
import { createNarrator } from './narrator.js';
import { type PodProcesses, portIsFree, runPodProcesses } from './pod-processes.js';
import { startPretendDeploymentController } from './pretend-deployments.js';
import { Teardown } from './teardown.js';

const { values: flags } = parseArgs({ options: { keep: { type: 'boolean', default: false } } });
// `npm run demo -- --keep` would hand --keep to npm, so the root script takes the variable.
const keep = flags.keep || process.env.CTRLMESH_DEMO_KEEP === '1';
const { step, say, table } = createNarrator(10);
const teardown = new Teardown();
const home = 'operators';
const app = 'go-sample';
const lock = 'go-sample';
const widening = { team: 'payments' };
const wideningEntry = { namespaceSelector: { matchLabels: widening } };

/** A pod of the demo running here: the Pod as the API stored it, and its processes. */
interface RunningPod {
  object: V1Pod;
  processes: PodProcesses;
}

const first = (text: string, lines: number) => text.trimEnd().split('\n').slice(0, lines);

const story = async (workDir: string): Promise<void> => {
  const kas = await step('Start a real kube-apiserver (etcd inside) on 127.0.0.1', async () => {
    const running = await startDemoKas(workDir, teardown, say);
    say(`kube-apiserver ${running.info.version} at ${running.info.url}`);
    say('no controller-manager, scheduler or kubelet: the demo plays them where it must');
    return running.info;
  });
  const admin = adminKubeConfigOf(kas);
  const core = admin.makeApiClient(CoreV1Api);
  const apps = admin.makeApiClient(AppsV1Api);
  const custom = admin.makeApiClient(CustomObjectsApi);
  const ctrlmesh = (...args: string[]) =>
    runCtrlmesh([...args, `--kubeconfig=${kas.admin.kubeconfig}`]);

  // The cluster's missing parts: they run every pod the API gets, the manager's and the app's.
  const kubelet = startPretendKubelet(admin, { workDir });
  const pods: RunningPod[] = [];
  const takenPorts = new Set<number>();
  const deployments = startPretendDeploymentController(admin, {
    runPod: async (object) => {
      const processes = await runPodProcesses(object, { admin, kas, kubelet, workDir, takenPorts });
      pods.push({ object, processes });
    },
  });
  teardown.add('stop the pretend kubelet and deployment controller', async () => {
    await deployments.stop();
    await kubelet.stop();
    return undefined;
  });
  teardown.add('stop the pods', async () => {
    const reports: string[] = [];
    // The app's pods first, the manager last, as a cluster drains.
    for (const pod of [...pods].reverse()) {
      for (const { name, status } of await pod.processes.stop()) {
        if (status.signal === 'SIGKILL')
          reports.push(`${pod.processes.pod.name}/${name} did not stop within 5 s and was killed`);
        else if (status.exitCode !== 0)
          reports.push(
            `${pod.processes.pod.name}/${name} exited with ${status.exitCode ?? status.signal}`,
          );
      }
    }
    return reports;
  });
  const podsOf = (name: string) =>
    pods.filter((pod) => pod.object.metadata?.name?.startsWith(`${name}-`));
  const eventuallyAvailable = (name: string, namespace: string) =>
    eventually(
      async () => {
        if (deployments.errors().length > 0) throw new Error(deployments.errors().join('; '));
        const { spec, status } = await apps.readNamespacedDeployment({ name, namespace });
        if ((status?.availableReplicas ?? 0) < (spec?.replicas ?? 1)) {
          const why = deployments.lastRoundError();
          const available = `${status?.availableReplicas ?? 0}/${spec?.replicas} available`;
          throw new Error(why ? `${available}; ${why}` : available);
        }
      },
      { what: `Deployment ${namespace}/${name} to be available`, timeoutMs: 60_000 },
    );

  await step(`Install ControllerMesh from deploy/${demoOverlay}`, async () => {
    const webhookPort = (await portIsFree(managerWebhookPort))
      ? managerWebhookPort
      : await freePort();
    const manifests = forThisMachine(await renderDeploy(), webhookPort);
    const file = path.join(workDir, 'ctrlmesh.yaml');
    await writeManifests(file, manifests);
    say(
      `kustomize build deploy/${demoOverlay}: ${manifests.length} objects, adjusted for this machine:`,
    );
    say(`  webhooks called by url: https://127.0.0.1:${webhookPort}/... (no Service routing here)`);
    const install = await ctrlmesh('install', '-f', file, '--timeout=60s');
    if (install.code !== 0)
      throw new Error(`ctrlmesh install exited ${install.code}:\n${install.stderr}`);
    await writeFile(path.join(workDir, 'install.log'), install.stdout + install.stderr);
    // One line per object as kubectl prints them: the first few, then what install said of the
    // wait (its progress went to stderr, its verdict to stdout).
    const out = install.stdout.trimEnd().split('\n');
    const objects = out.filter((line) => / (created|configured|unchanged)$/.test(line));
    say(`$ ctrlmesh install -f ${path.basename(file)}`);
    for (const line of objects.slice(0, 3)) say(`  ${line}`);
    say(`  ... ${objects.length - 3} more (install.log in the work directory)`);
    for (const line of install.stderr.trimEnd().split('\n').filter(Boolean)) say(`  ${line}`);
    for (const line of out.filter((line) => !objects.includes(line))) say(`  ${line}`);
    const registration = admin.makeApiClient(AdmissionregistrationV1Api);
    await eventually(
      async () => {
        const validating = await registration.readValidatingWebhookConfiguration({
          name: 'ctrlmesh',
        });
        const mutating = await registration.readMutatingWebhookConfiguration({ name: 'ctrlmesh' });
        const hooks = [...(validating.webhooks ?? []), ...(mutating.webhooks ?? [])];
        if (hooks.some((hook) => !hook.clientConfig.caBundle)) throw new Error('no caBundle yet');
      },
      { what: 'the manager to write the webhooks caBundle', timeoutMs: 60_000 },
    );
    const [manager] = podsOf('ctrlmesh-manager');
    if (!manager) throw new Error('the manager pod is not running');
    say(
      `a pretend deployment controller made pod ${manager.processes.pod.name} from the template;`,
    );
    say(`it runs here as: ${describeArgv(manager.processes.containers[0]?.argv ?? [])}`);
    say("(--kubeconfig: the pod's bound token, as we are not root to mount the in-cluster files)");
    say('the leading manager wrote the caBundle of both webhook configurations');
  });

  const runNamespaces = { admin, runId: `demo-${randomBytes(3).toString('hex')}` };
  const namespaces = await step('Create namespaces with labelled ConfigMaps', async () => {
    const created = await createDemoNamespaces(runNamespaces, core);
    const rows = created.map((ns) => [ns.name, formatLabels(ns.labels), `${ns.role}: ${ns.why}`]);
    table(['namespace', 'labels', 'role'], rows);
    say(`each holds ConfigMap "${configMapName}" labelled ${formatLabels(watchLabel())}`);
    await core.createNamespace({ body: { metadata: { name: home } } });
    return created;
  });

  const virtualApp = (widened: boolean) =>
    canaryVirtualApp({
      name: app,
      namespace: home,
      lock,
      widenedBy: widened ? [wideningEntry] : [],
    });
  const files = {
    current: path.join(workDir, 'go-sample.yaml'),
    widened: path.join(workDir, 'go-sample-widened.yaml'),
  };
  await writeVirtualApp(files.current, virtualApp(false));
  await writeVirtualApp(files.widened, virtualApp(true));

  const firstRevision = await step('Apply the VirtualApp as an object', async () => {
    const create = (body: Record<string, unknown>, dryRun?: string) =>
      custom.createNamespacedCustomObject({ ...virtualApps, namespace: home, body, dryRun });
    const broken = structuredClone(virtualApp(false)) as {
      spec: { subsets: { routeRules: string[] }[] };
    };
    broken.spec.subsets[0]!.routeRules = ['canary'];
    // kas reads webhook configurations through an informer: it may take a moment to trust the
    // caBundle the manager just wrote (until then failurePolicy Ignore lets a VirtualApp through).
    const refused = await eventually(
      async () => {
        const answer = await statusOf(create(broken, 'All'));
        if (answer.code !== 422) throw new Error(`the dry run got ${answer.code}`);
        return answer;
      },
      { what: 'the validating webhook to answer', timeoutMs: 30_000 },
    );
    say('one with a typo in a sub-rule name is refused by the validating webhook:');
    say(`  ${refused.code} ${refused.status.message}`);
    await create(virtualApp(false));
    say(`${home}/${app}, its spec:`);
    for (const line of compactYaml(virtualApp(false).spec).trimEnd().split('\n')) say(`  ${line}`);
    const routing = await eventuallySettled(admin, home, app, 1);
    say(`the manager published it: revision ${routing.currentRevision}, ${routing.phase}`);
    return routing.currentRevision;
  });

  const meshed = await step('Deploy the Go sample controller: v1 x2, v2 x1, injected', async () => {
    const manifests = goSampleApp({ namespace: home, lock, replicas: { v1: 2, v2: 1 } });
    await applyServerSide(admin, manifests);
    say(`applied server-side: ServiceAccount ${goSampleAccount}, its RBAC (deploy/rbac's proxy`);
    say("roles and the controller's own), Deployments go-sample-v1 (2 replicas), go-sample-v2 (1)");
    await eventuallyAvailable('go-sample-v1', home);
    await eventuallyAvailable('go-sample-v2', home);
    const running = [...podsOf('go-sample-v1'), ...podsOf('go-sample-v2')];
    const sample = running[0]!.object;
    const sidecar = sample.spec?.initContainers?.find((c) => c.name === 'ctrlmesh-proxy');
    say(`the /inject-pod webhook gave each pod (e.g. ${sample.metadata?.name}):`);
    say(
      `  init container ctrlmesh-proxy (restartPolicy: ${sidecar?.restartPolicy}), readiness gate ${sample.spec?.readinessGates?.map((g) => g.conditionType).join(', ')}`,
    );
    say(
      `  ${(sidecar?.args ?? []).slice(0, 1).join(' ')} ... (${sidecar?.args?.length ?? 0} args)`,
    );
    const args = sidecar?.args ?? [];
    const argv = running[0]!.processes.containers.find((c) => c.name === 'ctrlmesh-proxy')?.argv;
    const ran = argv?.slice(argv.length - args.length) ?? [];
    const moved = args.flatMap((arg, i) => (ran[i] === arg ? [] : [[arg, ran[i] ?? '']]));
    const ports = moved.filter(([arg]) => /-port=/.test(arg ?? ''));
    say('each proxy runs with those args, but for what this machine forces:');
    say(
      `  ports (one network for every pod): ${ports.map(([arg, now]) => `${arg} -> ${now?.split('=')[1]}`).join(', ')}`,
    );
    say(
      `  ${moved.length - ports.length} paths under /var/run: the pod's volume folders (no root to mount)`,
    );
    say('each controller reaches its proxy with a kubeconfig made of its in-cluster files');
    const status = await eventually(
      async () => {
        const result = await ctrlmesh('status', '-n', home, app);
        if (result.code !== 0)
          throw new Error(`ctrlmesh status exited ${result.code}:\n${result.stdout}`);
        return result.stdout;
      },
      { what: 'ctrlmesh status to show every pod up to date', timeoutMs: 30_000 },
    );
    say(`$ ctrlmesh status -n ${home} ${app}`);
    for (const line of first(status, 20)) say(`  ${line}`);
    return running;
  });
  const v2Pod = meshed.find((pod) => pod.object.metadata?.labels?.version === 'v2')!;
  const v2Name = v2Pod.processes.pod.name;

  const isCanary = (ns: DemoNamespace) => ns.role === 'canary';
  const isWidened = (ns: DemoNamespace) => isCanary(ns) || ns.labels.team === widening.team;
  const showOwners = async (v2Owns: (ns: DemoNamespace) => boolean) => {
    const v1Leader = await leaseHolder(admin, home, lock);
    await eventuallyReconciledAsExpected(core, namespaces, (ns) =>
      ns.role === 'system' ? undefined : v2Owns(ns) ? `${v2Name}@v2` : `${v1Leader}@v1`,
    );
    table(['namespace', 'labels', 'reconciled-by'], await reconciledRows(core, namespaces));
  };
  const allPods = () => pods;
  const checkNoRestart = () => {
    if (!allPods().every((pod) => pod.processes.unchanged()))
      throw new Error('a container process exited or was restarted');
    say(
      `no process restarted (${allPods().reduce((n, p) => n + p.processes.containers.length, 0)} running)`,
    );
  };

  await step('Every labelled ConfigMap is reconciled by the right version', async () => {
    await showOwners(isCanary);
    const holders = await Promise.all(
      [lock, `${lock}---v2`].map((name) => leaseHolder(admin, home, name)),
    );
    say(
      `Leases: ${lock} held by ${holders[0]}, ${lock}---v2 by ${holders[1]} (renamed by v2's proxy)`,
    );
  });

  const proxyOf = (pod: RunningPod) => {
    const sidecar = pod.object.spec?.initContainers?.find((c) => c.name === 'ctrlmesh-proxy');
    const port = Number(sidecar?.args?.find((a) => a.startsWith('--listen-port='))?.split('=')[1]);
    return {
      podName: pod.processes.pod.name,
      origin: `https://127.0.0.1:${pod.processes.ports.get(port)}`,
      caFile: path.join(pod.processes.volumes.get('ctrlmesh-serviceaccount') ?? '', 'ca.crt'),
    };
  };

  await step("The v2 pod cannot touch v1's objects: its proxy answers 403", async () => {
    const plain = namespaces.find((ns) => ns.role === 'team' && !isWidened(ns))!;
    const controller = v2Pod.processes.containers.find((c) => c.name === 'controller');
    const kubeconfig = controller?.kubeconfig;
    if (!kubeconfig) throw new Error('the v2 controller has no kubeconfig');
    const asV2 = loadKubeConfig(kubeconfig).makeApiClient(CoreV1Api);
    const { code, status } = await statusOf(
      asV2.readNamespacedConfigMap({ name: configMapName, namespace: plain.name }),
    );
    if (code !== 403) throw new Error(`expected 403, got ${code}: ${status.message}`);
    say(`GET configmap ${plain.name}/${configMapName} as ${v2Name}'s controller:`);
    say(`  ${code} ${status.reason}: ${status.message}`);
  });

  const checker = startOwnershipChecker({
    views: meshed.map((pod) => ({
      subset: pod.object.metadata?.labels?.version === 'v2' ? 'v2' : '(default)',
      proxy: proxyOf(pod),
    })),
    collection: `/api/v1/configmaps?labelSelector=${encodeURIComponent(formatLabels(watchLabel()))}`,
    token: kas.admin.token,
  });
  teardown.add('stop the ownership checker', async () => {
    await checker.stop();
    return undefined;
  });
  await checker.synced;

  const change = async (
    title: string,
    file: string,
    widened: boolean,
    v2Owns: (ns: DemoNamespace) => boolean,
  ) =>
    step(title, async () => {
      const diff = await ctrlmesh('diff', '-f', file, '--cluster', '-n', home);
      if (diff.code !== 1) throw new Error(`ctrlmesh diff exited ${diff.code}: ${diff.stderr}`);
      say(`$ ctrlmesh diff -f ${path.basename(file)} --cluster`);
      for (const line of first(diff.stdout, 14)) say(`  ${line}`);
      const steps: Routing[] = await editAndFollowHandover(
        admin,
        home,
        app,
        virtualApp(widened).spec,
      );
      say(`edited; status.routing: ${steps.map(describeRouting).join(' -> ')}`);
      const status = await eventually(
        async () => {
          const result = await ctrlmesh('status', '-n', home, app);
          if (result.code !== 0) throw new Error(`ctrlmesh status exited ${result.code}`);
          return result.stdout;
        },
        { what: 'ctrlmesh status to show every pod up to date', timeoutMs: 30_000 },
      );
      say(`$ ctrlmesh status -n ${home} ${app}`);
      for (const line of first(status, 20)) say(`  ${line}`);
      await showOwners(v2Owns);
      checkNoRestart();
      return steps.at(-1);
    });

  await change(
    `Widen the canary to namespaces labelled ${formatLabels(widening)}`,
    files.widened,
    true,
    isWidened,
  );
  const rolledBack = await change(
    'Roll back: apply the VirtualApp as it was',
    files.current,
    false,
    isCanary,
  );
  if (rolledBack?.currentRevision !== firstRevision)
    throw new Error(`the rollback published ${rolledBack?.currentRevision}, not ${firstRevision}`);
  say(`the rollback republished the first revision, ${firstRevision}`);
  const overlaps = checker.overlaps();
  const problems = checker.errors();
  if (overlaps.length > 0 || problems.length > 0)
    throw new Error(`ownership checker: ${JSON.stringify(overlaps)} ${problems.join('; ')}`);
  say(
    `exactly-once checker: ${checker.keys().length} ConfigMaps watched through the 3 proxies, none seen by two subsets at once`,
  );

  await step('Stop the pods, the manager and the kube-apiserver', async () => {
    const { reports, problems: failed } = await teardown.run();
    for (const report of reports) say(`note: ${report}`);
    if (failed.length > 0) throw new Error(failed.join('; '));
    say(
      `${pods.reduce((n, p) => n + p.processes.containers.length, 0) + 1} processes stopped, none left running`,
    );
  });
};

const describeRouting = (routing: Routing) =>
  routing.phase === 'Revoking'
    ? `Revoking (${routing.previousRevision} -> ${routing.currentRevision})`
    : `Settled (${routing.currentRevision})`;

/** `node apps/manager/dist/main.js --flag ...`, with the repository's absolute paths made short. */
const describeArgv = (argv: readonly string[]) =>
  argv
    .map((arg) => (arg === process.execPath ? 'node' : arg))
    .map((arg) => arg.replace(`${path.resolve(import.meta.dirname, '../..')}/`, ''))
    .map((arg) => arg.replace(/=\/.*\/([^/]+)$/, '=.../$1'))
    .join(' ');

const main = async (): Promise<number> => {
  const started = Date.now();
  process.stdout.write(
    'ControllerMesh demo: a canary update of a controller, on a real kube-apiserver, with the control plane\n',
  );
  const workDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-demo-'));
  const interrupted = new Promise<never>((_, reject) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => reject(new Error(`interrupted by ${signal}`)));
    }
  });
  try {
    await Promise.race([story(workDir), interrupted]);
  } catch (error) {
    const { problems } = await teardown.run();
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`\ndemo failed: ${message}\n`);
    for (const problem of problems) process.stderr.write(`while stopping: ${problem}\n`);
    process.stderr.write(`logs kept in ${workDir}\n`);
    return 1;
  }
  if (keep) say(`kept ${workDir}: kas/, <pod>.<container>.log, ctrlmesh.yaml, go-sample*.yaml`);
  else await rm(workDir, { recursive: true, force: true });
  process.stdout.write(`\ndemo done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
};

// Exit at once: keep-alive sockets to the stopped apiserver must not hold the demo open.
main().then((code) => process.exit(code));
