import { describe, expect, it, vi } from 'vitest';
import { capturedIo, runOnCluster } from '../testing/captured-io.js';
import { fakeCluster, listOf } from '../testing/fake-cluster.js';

const vappsPath = '/apis/ctrlmesh.io/v1alpha1/namespaces/operators/virtualapps';
const podsPath = '/api/v1/namespaces/operators/pods';

const condition = (type: string, status: string, reason?: string, message?: string) => ({
  type,
  status,
  ...(reason === undefined ? {} : { reason }),
  ...(message === undefined ? {} : { message }),
});

const vapp = (phase: 'Settled' | 'Revoking', updated: number) => ({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'VirtualApp',
  metadata: { name: 'sample', namespace: 'operators', generation: 2 },
  spec: { selector: { matchLabels: { app: 'sample' } } },
  status: {
    observedGeneration: 2,
    routing: {
      currentRevision: 'sample-2222222222',
      ...(phase === 'Revoking' ? { previousRevision: 'sample-1111111111' } : {}),
      phase,
      observedGeneration: 2,
    },
    subsets: [
      { name: 'v2', pods: 1, readyPods: 1, updatedPods: 1 },
      { name: '(default)', pods: 2, readyPods: 2, updatedPods: updated },
    ],
    conditions: [
      condition('Accepted', 'True', 'Valid'),
      condition('Available', 'True', 'PodsReady'),
      phase === 'Revoking'
        ? condition(
            'Progressing',
            'True',
            'Revoking',
            '1 pod has not applied Revoking sample-2222222222',
          )
        : condition('Progressing', 'False', 'Settled'),
      condition('Degraded', 'False', 'AsExpected'),
    ],
  },
});

const pod = (
  name: string,
  labels: Record<string, string>,
  applied?: ReturnType<typeof condition>,
) => ({
  metadata: { name, namespace: 'operators', labels },
  status: { conditions: [condition('Ready', 'True'), ...(applied === undefined ? [] : [applied])] },
});

const applied = (phase: string, revision: string) =>
  condition('ctrlmesh.io/RoutesApplied', 'True', phase, revision);

const cluster = (phase: 'Settled' | 'Revoking') =>
  fakeCluster(
    {
      [vappsPath]: listOf(vapp(phase, phase === 'Settled' ? 2 : 1)),
      [`${vappsPath}/sample`]: vapp(phase, phase === 'Settled' ? 2 : 1),
      [podsPath]: listOf(
        pod('sample-v2-0', { app: 'sample', version: 'v2' }, applied(phase, 'sample-2222222222')),
        pod('sample-0', { app: 'sample' }, applied(phase, 'sample-2222222222')),
        pod(
          'sample-1',
          { app: 'sample' },
          phase === 'Settled'
            ? applied(phase, 'sample-2222222222')
            : applied('Settled', 'sample-1111111111'),
        ),
        // Not selected by the VirtualApp: its missing condition is none of status's business.
        pod('other-0', { app: 'other' }),
      ),
    },
    { namespace: 'operators' },
  );

const SETTLED = [
  'operators/sample: Settled on sample-2222222222',
  '  SUBSET     PODS  READY  UP-TO-DATE',
  '  v2         1     1      1',
  '  (default)  2     2      2',
  '  conditions: Accepted=True Available=True Progressing=False Degraded=False',
  '',
].join('\n');

describe('ctrlmesh status', () => {
  it('shows a settled VirtualApp and exits 0', async () => {
    const result = await runOnCluster(['status', '-n', 'operators'], cluster('Settled'));
    expect(result).toMatchObject({ code: 0, stdout: SETTLED, stderr: '' });
    expect(result.flags).toEqual([
      { kubeconfig: undefined, context: undefined, namespace: 'operators' },
    ]);
  });

  it('shows a handover: the unhealthy condition with its reason and message, the pods behind, exit 1', async () => {
    const result = await runOnCluster(['status', 'sample'], cluster('Revoking'));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        'operators/sample: Revoking on sample-2222222222 (from sample-1111111111)',
        '  SUBSET     PODS  READY  UP-TO-DATE',
        '  v2         1     1      1',
        '  (default)  2     2      1',
        '  conditions: Accepted=True Available=True Degraded=False',
        '    Progressing=True Revoking: 1 pod has not applied Revoking sample-2222222222',
        '  pods not on Revoking sample-2222222222 (1 of 3):',
        '    POD       READY  APPLIES',
        '    sample-1  yes    Settled sample-1111111111',
        '',
      ].join('\n'),
    );
  });

  it('gives the same as JSON or YAML for scripts', async () => {
    const json = await runOnCluster(['status', '-o', 'json'], cluster('Revoking'));
    const [report] = JSON.parse(json.stdout);
    expect(report).toMatchObject({
      namespace: 'operators',
      name: 'sample',
      routing: { phase: 'Revoking', currentRevision: 'sample-2222222222' },
      pods: 3,
      podsBehind: [{ name: 'sample-1', ready: true, routesApplied: { reason: 'Settled' } }],
      settled: false,
      issues: ['phase Revoking', 'Progressing=True', '1 of 3 pods not on the published state'],
    });
    const yaml = await runOnCluster(['status', '-o', 'yaml'], cluster('Settled'));
    expect(yaml.stdout).toContain('- namespace: operators\n  name: sample\n');
  });

  it('exits 4 when the VirtualApp named is not there', async () => {
    const result = await runOnCluster(['status', 'nope'], cluster('Settled'));
    expect(result.code).toBe(4);
    expect(result.stderr).toBe('ctrlmesh: no VirtualApp "nope" in namespace "operators"\n');
  });

  it('says so when the namespace has no VirtualApps', async () => {
    const fake = cluster('Settled');
    fake.set(vappsPath, listOf());
    const result = await runOnCluster(['status'], fake);
    expect(result).toMatchObject({ code: 0, stdout: 'no VirtualApps in namespace "operators"\n' });
  });

  it('with --watch and no terminal, prints a block per change until interrupted', async () => {
    const fake = cluster('Revoking');
    const interrupt = new AbortController();
    const io = capturedIo({ interrupt: interrupt.signal });
    const running = runOnCluster(['status', 'sample', '--watch'], fake, io);
    await vi.waitFor(() => expect(fake.watched()).toHaveLength(2));
    expect(fake.watched()).toEqual([`${vappsPath}?fieldSelector=metadata.name%3Dsample`, podsPath]);
    // An event that changes nothing prints nothing.
    fake.emit(podsPath);
    const settled = cluster('Settled');
    for (const path of [`${vappsPath}/sample`, podsPath]) fake.set(path, await settled.get(path));
    fake.emit(podsPath);
    await vi.waitFor(() => expect(io.stdout()).toContain(`---\n${SETTLED}`));
    interrupt.abort();
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.stdout.split('---\n')).toHaveLength(2);
    expect(fake.watched()).toEqual([]);
  });

  it('with --watch on a terminal, redraws the view in place, in colour', async () => {
    const fake = cluster('Settled');
    const interrupt = new AbortController();
    const io = capturedIo({ stdoutIsTTY: true, columns: 40, interrupt: interrupt.signal });
    const running = runOnCluster(['status', '--watch'], fake, io);
    await vi.waitFor(() => expect(fake.watched()).toHaveLength(2));
    const first = io.stdout();
    expect(first).toContain('\u001b[');
    const revoking = cluster('Revoking');
    fake.set(vappsPath, await revoking.get(vappsPath));
    fake.emit(vappsPath);
    // Five lines, of which the headline (46 characters) and the conditions (74) take two rows
    // each of a 40-column terminal: 7 rows to go up.
    await vi.waitFor(() =>
      expect(io.stdout().slice(first.length).startsWith('\u001b[7F\u001b[J')).toBe(true),
    );
    interrupt.abort();
    expect((await running).code).toBe(1);
  });
});
