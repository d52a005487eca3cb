import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { givenVirtualAppCrd, virtualApps } from '../steps/virtual-app-crd.js';
import { runCtrlmesh, startCtrlmesh } from '../support/ctrlmesh-cli.js';
import { eventually } from '../support/eventually.js';
import { adminKubeConfig } from '../support/kube-config.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

// The ctrlmesh CLI, built, against the real kube-apiserver. No manager runs here: the test
// writes what decision 0005 says the manager and the proxies write (ControllerRevisions,
// VirtualApp status, each pod's RoutesApplied condition), and checks what the CLI makes of it.

const ROUTES_APPLIED = 'ctrlmesh.io/RoutesApplied';
const strategicMerge = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

/** The manager's revision name: `<vapp>-` and 10 hex digits of the SHA-256 of the sorted spec. */
const revisionName = (vapp: string, spec: unknown): string => {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : typeof value === 'object' && value !== null
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([k, v]) => [k, canonical(v)]),
          )
        : value;
  const hash = createHash('sha256')
    .update(JSON.stringify(canonical(spec)))
    .digest('hex');
  return `${vapp}-${hash.slice(0, 10)}`;
};

const condition = (type: string, status: string, reason: string, message = '') => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: new Date().toISOString(),
});

describe('ctrlmesh on a live cluster', () => {
  const admin = adminKubeConfig();
  const kas = inject('kas');
  const custom = admin.makeApiClient(CustomObjectsApi);
  const core = admin.makeApiClient(CoreV1Api);
  const apps = admin.makeApiClient(AppsV1Api);
  let dir: string;
  let operators: string;
  let canary: string;
  let team: string;
  let v1Spec: Record<string, unknown>;
  let v2Spec: Record<string, unknown>;
  let v1File: string;
  let v2File: string;
  let rev1: string;
  let rev2: string;
  const kubeconfig = () => ['--kubeconfig', kas.admin.kubeconfig];

  const specFor = (namespaceRegex: string) => ({
    selector: { matchLabels: { app: 'sample' } },
    route: {
      subRules: [
        { name: 'canary', match: [{ namespaceRegex }] },
        {
          name: 'shard-b',
          match: [
            {
              objectSelector: { matchLabels: { shard: 'b' } },
              resources: [{ apiGroups: [''], resources: ['secrets'] }],
            },
          ],
        },
      ],
      subsetPublicResources: [{ apiGroups: [''], resources: ['configmaps'] }],
    },
    subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary', 'shard-b'] }],
  });

  const writeRevision = async (name: string, spec: unknown, revision: number) => {
    await apps.createNamespacedControllerRevision({
      namespace: operators,
      body: {
        metadata: { name, labels: { 'ctrlmesh.io/virtual-app': 'sample' } },
        data: { spec },
        revision,
      },
    });
  };

  const writeStatus = async (status: Record<string, unknown>) => {
    await custom.patchNamespacedCustomObjectStatus({
      ...virtualApps,
      namespace: operators,
      name: 'sample',
      body: [{ op: 'add', path: '/status', value: status }],
    });
  };

  const conditions = (progressing: boolean) => [
    condition('Accepted', 'True', 'Valid'),
    condition('Available', 'True', 'PodsReady'),
    progressing
      ? condition('Progressing', 'True', 'Revoking', '3 pods have not applied Revoking')
      : condition('Progressing', 'False', 'Settled'),
    condition('Degraded', 'False', 'AsExpected'),
  ];

  /** Every pod's proxy reports `phase` on `revision`, as proxies do through pods/status. */
  const podsApply = async (phase: string, revision: string) => {
    for (const name of ['sample-v2-0', 'sample-0', 'sample-1']) {
      await core.patchNamespacedPodStatus(
        {
          name,
          namespace: operators,
          body: {
            status: {
              conditions: [
                condition('Ready', 'True', ''),
                condition(ROUTES_APPLIED, 'True', phase, revision),
              ],
            },
          },
        },
        strategicMerge,
      );
    }
  };

  beforeAll(async () => {
    await givenVirtualAppCrd(admin);
    operators = await uniqueNamespace('cli-operators');
    canary = await uniqueNamespace('cli-canary');
    team = await uniqueNamespace('cli-team');
    dir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-cli-e2e-'));
    v1Spec = specFor(`^${canary}$`);
    v2Spec = specFor(`^(${canary}|${team})$`);
    rev1 = revisionName('sample', v1Spec);
    rev2 = revisionName('sample', v2Spec);
    const vapp = (spec: unknown) => ({
      apiVersion: 'ctrlmesh.io/v1alpha1',
      kind: 'VirtualApp',
      metadata: { name: 'sample', namespace: operators },
      spec,
    });
    v1File = path.join(dir, 'v1.yaml');
    v2File = path.join(dir, 'v2.yaml');
    await writeFile(v1File, stringify(vapp(v1Spec)));
    await writeFile(v2File, stringify(vapp(v2Spec)));
    await core.createNamespacedSecret({
      namespace: team,
      body: { metadata: { name: 'token', labels: { shard: 'a' } } },
    });
    await core.createNamespacedSecret({
      namespace: team,
      body: { metadata: { name: 'shard-b', labels: { shard: 'b' } } },
    });
    // The manager's work for v1: the VirtualApp, its revision, status Settled on it.
    await custom.createNamespacedCustomObject({
      ...virtualApps,
      namespace: operators,
      body: vapp(v1Spec),
    });
    await writeRevision(rev1, v1Spec, 1);
    await writeStatus({
      observedGeneration: 1,
      routing: { currentRevision: rev1, phase: 'Settled', observedGeneration: 1 },
      subsets: [
        { name: 'v2', pods: 1, readyPods: 1, updatedPods: 1 },
        { name: '(default)', pods: 2, readyPods: 2, updatedPods: 2 },
      ],
      conditions: conditions(false),
    });
    for (const [name, version] of [
      ['sample-v2-0', 'v2'],
      ['sample-0', 'v1'],
      ['sample-1', 'v1'],
    ] as const) {
      await core.createNamespacedPod({
        namespace: operators,
        body: {
          metadata: { name, labels: { app: 'sample', version } },
          spec: { containers: [{ name: 'controller', image: 'sample' }] },
        },
      });
    }
    await podsApply('Settled', rev1);
  });

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('explains with the namespaces and object labels the cluster has', async () => {
    const named = await runCtrlmesh([
      'explain',
      '-f',
      v1File,
      '--cluster',
      ...kubeconfig(),
      '--no-reasons',
      `ns/${canary}`,
      `secrets/${team}/shard-b`,
      `secrets/${team}/token`,
    ]);
    expect(named).toMatchObject({ code: 0, stderr: '' });
    expect(named.stdout.split('\n').map((line) => line.split(/\s{2,}/))).toEqual([
      ['TARGET', 'OWNER'],
      [`ns/${canary}`, 'v2'],
      [`secrets/${team}/shard-b`, 'v2'],
      [`secrets/${team}/token`, '(default)'],
      [''],
    ]);
    const everything = await runCtrlmesh(['explain', '-f', v1File, '--cluster', ...kubeconfig()]);
    expect(everything.code).toBe(0);
    const ours = everything.stdout
      .split('\n')
      .filter((line) => line.includes(canary) || line.includes(team))
      .map((line) => line.split(/\s{2,}/));
    expect(ours).toEqual([
      [`ns/${canary}`, 'v2'],
      [`ns/${team}`, '(default)'],
      [`secrets/${team}/shard-b`, 'v2'],
      [`secrets/${team}/token`, '(default)'],
    ]);
  });

  it('shows a settled VirtualApp with status, and exits 0', async () => {
    const result = await runCtrlmesh(['status', '-n', operators, ...kubeconfig()]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      [
        `${operators}/sample: Settled on ${rev1}`,
        '  SUBSET     PODS  READY  UP-TO-DATE',
        '  v2         1     1      1',
        '  (default)  2     2      2',
        '  conditions: Accepted=True Available=True Progressing=False Degraded=False',
        '',
      ].join('\n'),
    );
  });

  it('diffs against the revision the cluster runs, choosing a context across KUBECONFIG files', async () => {
    // A first kubeconfig whose current context is a cluster that is not there: its
    // current-context wins the merge, so --context must pick the admin's from the second file.
    const elsewhere = path.join(dir, 'elsewhere.kubeconfig');
    await writeFile(
      elsewhere,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'gone', cluster: { server: 'https://127.0.0.1:9' } }],
        users: [{ name: 'nobody', user: { token: 'x' } }],
        contexts: [{ name: 'elsewhere', context: { cluster: 'gone', user: 'nobody' } }],
        'current-context': 'elsewhere',
      }),
    );
    const env = { KUBECONFIG: [elsewhere, kas.admin.kubeconfig].join(path.delimiter) };
    const unreachable = await runCtrlmesh(['diff', '-f', v2File, '--cluster'], env);
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toContain('cannot reach the apiserver');
    expect(unreachable.stderr).toContain('(context "elsewhere", https://127.0.0.1:9)');
    const result = await runCtrlmesh(
      ['diff', '-f', v2File, '--cluster', '--context', 'admin'],
      env,
    );
    expect(result.stderr).toBe(
      `comparing with VirtualApp ${operators}/sample as the cluster runs it: revision ${rev1} (Settled)\n`,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        `TARGET${' '.repeat(`secrets/${team}/token`.length - 4)}FROM       TO`,
        `ns/${team}${' '.repeat(`secrets/${team}/token`.length - `ns/${team}`.length + 2)}(default)  v2`,
        `secrets/${team}/token  (default)  v2`,
        '',
        'v2: +1 namespace, +1 object',
        '(default): -1 namespace, -1 object',
        '',
      ].join('\n'),
    );
  });

  it('exits 4 with the apiserver message when RBAC refuses the reads', async () => {
    const alice = kas.users.find((user) => user.name === 'alice');
    expect(alice).toBeDefined();
    const result = await runCtrlmesh([
      'status',
      '-n',
      operators,
      '--kubeconfig',
      alice?.kubeconfig ?? '',
    ]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(
      `ctrlmesh: GET /apis/ctrlmesh.io/v1alpha1/namespaces/${operators}/virtualapps: 403 virtualapps.ctrlmesh.io is forbidden: User "alice" cannot list resource "virtualapps"`,
    );
    expect(result.stderr).toContain('(context "alice", https://');
  });

  it('exits 4 for a VirtualApp that is not there', async () => {
    const result = await runCtrlmesh(['status', '-n', operators, 'nope', ...kubeconfig()]);
    expect(result).toMatchObject({
      code: 4,
      stderr: `ctrlmesh: no VirtualApp "nope" in namespace "${operators}"\n`,
    });
  });

  it('follows a handover with status --watch, a block per change, until interrupted', async () => {
    const watch = startCtrlmesh(['status', '-n', operators, 'sample', '--watch', ...kubeconfig()]);
    await eventually(() => expect(watch.stdout()).toContain(`Settled on ${rev1}`), {
      what: 'the first status block',
    });
    // The manager publishes v2: a new generation (a block saying it is not yet observed), its
    // revision, and the Revoking phase.
    await custom.patchNamespacedCustomObject({
      ...virtualApps,
      namespace: operators,
      name: 'sample',
      body: [{ op: 'replace', path: '/spec', value: v2Spec }],
    });
    await writeRevision(rev2, v2Spec, 2);
    await writeStatus({
      observedGeneration: 2,
      routing: {
        currentRevision: rev2,
        previousRevision: rev1,
        phase: 'Revoking',
        observedGeneration: 2,
      },
      subsets: [
        { name: 'v2', pods: 1, readyPods: 1, updatedPods: 0 },
        { name: '(default)', pods: 2, readyPods: 2, updatedPods: 0 },
      ],
      conditions: conditions(true),
    });
    await eventually(
      () =>
        expect(watch.stdout()).toContain(
          [
            '---',
            `${operators}/sample: Revoking on ${rev2} (from ${rev1})`,
            '  SUBSET     PODS  READY  UP-TO-DATE',
            '  v2         1     1      0',
            '  (default)  2     2      0',
            '  conditions: Accepted=True Available=True Degraded=False',
            '    Progressing=True Revoking: 3 pods have not applied Revoking',
            `  pods not on Revoking ${rev2} (3 of 3):`,
            '    POD          READY  APPLIES',
            `    sample-0     yes    Settled ${rev1}`,
            `    sample-1     yes    Settled ${rev1}`,
            `    sample-v2-0  yes    Settled ${rev1}`,
            '',
          ].join('\n'),
        ),
      { what: 'a block for the Revoking phase' },
    );
    // The proxies apply it: the pods drop out of the list.
    await podsApply('Revoking', rev2);
    await eventually(
      () => expect(watch.stdout().split('---\n').at(-1)).not.toContain('pods not on'),
      { what: 'a block with every pod on Revoking' },
    );
    const ended = await watch.stop();
    // Still Revoking (Progressing=True): the last state shown is not settled.
    expect(ended.code).toBe(1);
    expect(ended.stderr).toBe('');
    // What the cluster runs now is v2 itself: nothing changes owner.
    const diff = await runCtrlmesh(['diff', '-f', v2File, '--cluster', ...kubeconfig()]);
    expect(diff).toMatchObject({ code: 0 });
    expect(diff.stderr).toContain(`revision ${rev2} (Revoking)`);
  });

  it('gives the status as JSON for scripts', async () => {
    const result = await runCtrlmesh(['status', '-n', operators, '-o', 'json', ...kubeconfig()]);
    expect(result.code).toBe(1);
    const [report] = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      name: 'sample',
      routing: { currentRevision: rev2, previousRevision: rev1, phase: 'Revoking' },
      pods: 3,
      podsBehind: [],
      settled: false,
      issues: ['phase Revoking', 'Progressing=True'],
    });
  });
});
