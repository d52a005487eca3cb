/**
 * `npm run demo`: the canary update of DESIGN §1, told step by step on a real kube-apiserver.
 *
 * Three pods of the Go sample controller (v1 x2, v2 x1), each behind its own ControllerMesh proxy,
 * share one VirtualApp: v2 reconciles only the canary namespaces, v1 the rest, nobody the system
 * one. Then the canary is widened and rolled back by editing the VirtualApp alone. Every wait is
 * bounded; a failure names its step and exits 1 with the logs kept. `--keep` (or
 * CTRLMESH_DEMO_KEEP=1) keeps the work directory of a good run too. The steps are the e2e
 * scenarios' own (e2e/steps, e2e/support).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CoreV1Api } from '@kubernetes/client-node';
import { canaryVirtualApp } from '../steps/canary-virtual-app.js';
import {
  eventuallyLeaseHeldBy,
  leaseHolder,
  watchLabel,
} from '../steps/sample-controller-replicas.js';
import { statusOf } from '../support/api-status.js';
import { adminKubeConfigOf, loadKubeConfig } from '../support/kas-kube-configs.js';
import { grantProxyIdentity } from '../support/mesh-proxy.js';
import { createRunNamespace } from '../support/run-namespace.js';
import { eventuallyOneLeader } from '../support/sample-controller.js';
import { writeVirtualApp } from '../support/virtual-app-file.js';
import { compactYaml } from './compact-yaml.js';
import { startDemoKas } from './demo-kas.js';
import {
  configMapName,
  createDemoNamespaces,
  type DemoNamespace,
  eventuallyReconciledAsExpected,
  formatLabels,
  reconciledRows,
} from './demo-namespaces.js';
import { anyRunning, nothingRestarted, startDemoPods } from './demo-pods.js';
import { createNarrator } from './narrator.js';
import { Teardown } from './teardown.js';

const { values: flags } = parseArgs({ options: { keep: { type: 'boolean', default: false } } });
// `npm run demo -- --keep` would hand --keep to npm, so the root script takes the variable.
const keep = flags.keep || process.env.CTRLMESH_DEMO_KEEP === '1';
const { step, say, table } = createNarrator(9);
const teardown = new Teardown();
const lock = 'go-sample';
const widening = { team: 'payments' };
const wideningEntry = { namespaceSelector: { matchLabels: widening } };

const story = async (workDir: string): Promise<void> => {
  const kas = await step('Start a real kube-apiserver (etcd inside) on 127.0.0.1', async () => {
    const running = await startDemoKas(workDir, teardown, say);
    say(`kube-apiserver ${running.info.version} at ${running.info.url}`);
    return running.info;
  });
  const admin = adminKubeConfigOf(kas);
  const core = admin.makeApiClient(CoreV1Api);
  const runNamespaces = { admin, runId: `demo-${randomBytes(3).toString('hex')}` };

  const { namespaces, home } = await step(
    'Create namespaces with labelled ConfigMaps',
    async () => {
      const created = await createDemoNamespaces(runNamespaces, core);
      const rows = created.map((ns) => [ns.name, formatLabels(ns.labels), `${ns.role}: ${ns.why}`]);
      table(['namespace', 'labels', 'role'], rows);
      say(`each holds ConfigMap "${configMapName}" labelled ${formatLabels(watchLabel())}`);
      const pods = await createRunNamespace(runNamespaces, 'mesh-home');
      say(`and ${pods} holds the pods' Leases`);
      return { namespaces: created, home: pods };
    },
  );

  const virtualAppFile = path.join(workDir, 'virtualapp.yaml');
  const app = (widened: boolean) =>
    canaryVirtualApp({
      name: 'go-sample',
      namespace: home,
      lock,
      widenedBy: widened ? [wideningEntry] : [],
    });
  const pods = await step('Start v1 x2 and v2 x1, each pod behind its own proxy', async () => {
    await writeVirtualApp(virtualAppFile, app(false));
    say(`the VirtualApp every proxy reads (${home}), its spec:`);
    for (const line of compactYaml(app(false).spec).trimEnd().split('\n')) say(`  ${line}`);
    const tokenFile = await grantProxyIdentity(admin, kas, workDir);
    const options = { kas, namespace: home, virtualAppFile, tokenFile, workDir, lock, teardown };
    const started = await startDemoPods(['v1', 'v1', 'v2'], options);
    const rows = started.map((pod) => [pod.name, `version=${pod.version}`, pod.proxy.origin]);
    table(['pod (app=go-sample)', 'labels', 'its controller talks to'], rows);
    return started;
  });
  const v2 = pods.find((pod) => pod.version === 'v2')!;
  const proxyPids = pods.map((pod) => pod.proxy.pid);

  const v1Stamp = await step('Each subset elects its own leader, on its own Lease', async () => {
    const v1Pods = pods.filter((pod) => pod.version === 'v1');
    const leader = await eventuallyOneLeader(v1Pods.map((pod) => pod.controller));
    await eventuallyLeaseHeldBy(admin, home, lock, leader.podName);
    await eventuallyLeaseHeldBy(admin, home, `${lock}---v2`, v2.name);
    const leases = [lock, `${lock}---v2`];
    const holders = await Promise.all(leases.map((name) => leaseHolder(admin, home, name)));
    table(
      ['Lease', 'holder'],
      leases.map((name, i) => [name, holders[i] ?? '(none)']),
    );
    say(`every pod asked for Lease "${lock}"; the v2 pod's proxy renamed it on the way`);
    return `${leader.podName}@v1`;
  });

  const isCanary = (ns: DemoNamespace) => ns.role === 'canary';
  const isWidened = (ns: DemoNamespace) => isCanary(ns) || ns.labels.team === widening.team;
  const showOwners = async (v2Owns: (ns: DemoNamespace) => boolean) => {
    await eventuallyReconciledAsExpected(core, namespaces, (ns) =>
      ns.role === 'system' ? undefined : v2Owns(ns) ? `${v2.name}@v2` : v1Stamp,
    );
    table(['namespace', 'labels', 'reconciled-by'], await reconciledRows(core, namespaces));
  };
  const checkNoRestart = () => {
    if (!nothingRestarted(pods, proxyPids)) throw new Error('a controller or proxy exited');
    say('no pod restarted: the proxies ended the affected watches, the controllers re-listed');
  };

  await step('Every labelled ConfigMap is reconciled by the right version', () =>
    showOwners(isCanary),
  );

  await step("The v2 pod cannot touch v1's objects: its proxy answers 403", async () => {
    const plain = namespaces.find((ns) => ns.role === 'team' && !isWidened(ns))!;
    const asV2 = loadKubeConfig(v2.proxy.kubeconfig).makeApiClient(CoreV1Api);
    const read = asV2.readNamespacedConfigMap({ name: configMapName, namespace: plain.name });
    const { code, status } = await statusOf(read);
    if (code !== 403) throw new Error(`expected 403, got ${code}: ${status.message}`);
    say(`GET configmap ${plain.name}/${configMapName} with ${v2.name}'s kubeconfig:`);
    say(`  ${code} ${status.reason}: ${status.message}`);
    const list = await asV2.listConfigMapForAllNamespaces({
      labelSelector: formatLabels(watchLabel()),
    });
    const seen = list.items.map((item) => item.metadata?.namespace).join(', ');
    say(`listing labelled ConfigMaps in all namespaces, it sees only: ${seen}`);
  });

  await step(`Widen the canary to namespaces labelled ${formatLabels(widening)}`, async () => {
    say(`one edit: canary-rule's match gets the entry ${compactYaml(wideningEntry).trimEnd()}`);
    await writeVirtualApp(virtualAppFile, app(true));
    await showOwners(isWidened);
    checkNoRestart();
  });

  await step('Roll back: write the VirtualApp as it was', async () => {
    await writeVirtualApp(virtualAppFile, app(false));
    await showOwners(isCanary);
    checkNoRestart();
  });

  await step('Stop the controllers, their proxies and the kube-apiserver', async () => {
    const { reports, problems } = await teardown.run();
    for (const report of reports) say(`note: ${report}`);
    if (problems.length > 0) throw new Error(problems.join('; '));
    if (anyRunning(pods)) throw new Error('a process is still running');
    say(`${pods.length * 2 + 1} processes stopped, none left running`);
  });
};

const main = async (): Promise<number> => {
  const started = Date.now();
  process.stdout.write(
    'ControllerMesh demo: a canary update of a controller on a real kube-apiserver\n',
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
  if (keep) say(`kept ${workDir}: kas/, *.proxy.log, go-sample-*.log, virtualapp.yaml`);
  else await rm(workDir, { recursive: true, force: true });
  process.stdout.write(`\ndemo done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
};

// Exit at once: keep-alive sockets to the stopped apiserver must not hold the demo open.
main().then((code) => process.exit(code));
