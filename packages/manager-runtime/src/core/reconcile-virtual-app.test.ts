import { describe, expect, it } from 'vitest';
import { aPod, aSpec, aVirtualApp, reporting, T0 } from '../test-support/builders.js';
import { type ReconcileInput, reconcileVirtualApp } from './reconcile-virtual-app.js';
import { revisionName } from './revision-name.js';
import type { PodView, RevisionView, Routing, VirtualAppView } from './views.js';

const options = { podGracePeriodMs: 30_000, revisionHistoryLimit: 10 };
const SPEC_A = aSpec(['canary-a']);
const SPEC_B = aSpec(['canary-a', 'canary-b']);
const A = revisionName('web', SPEC_A);
const B = revisionName('web', SPEC_B);
const revA: RevisionView = { name: A, revision: 1, spec: SPEC_A };
const revB: RevisionView = { name: B, revision: 2, spec: SPEC_B };

const run = (overrides: Partial<ReconcileInput>) =>
  reconcileVirtualApp({
    virtualApp: aVirtualApp(),
    revisions: [],
    pods: [],
    now: T0,
    options,
    ...overrides,
  });

const condition = (result: ReturnType<typeof run>, type: string) =>
  result.status.conditions?.find((c) => c.type === type);

/** A VirtualApp on spec B (generation 2) whose last status published `routing` at {@link T0}. */
const onB = (routing: Routing): VirtualAppView =>
  aVirtualApp({
    generation: 2,
    spec: SPEC_B,
    status: {
      routing,
      conditions: [
        {
          type: 'Progressing',
          status: 'True',
          reason: 'Revoking',
          message: '',
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
    },
  });
const revokingAB: Routing = {
  currentRevision: B,
  previousRevision: A,
  phase: 'Revoking',
  observedGeneration: 2,
};

describe('reconcileVirtualApp', () => {
  it('publishes a first valid spec as a new revision, Settled at once', () => {
    const result = run({ pods: [aPod('web-v1-0'), aPod('web-v2-0')] });
    expect(result.createRevision).toEqual({ name: A, revision: 1, spec: SPEC_A });
    expect(result.status.routing).toEqual({
      currentRevision: A,
      phase: 'Settled',
      observedGeneration: 1,
    });
    expect(result.published).toEqual(result.status.routing);
    expect(result.status.observedGeneration).toBe(1);
    expect(result.status.subsets).toEqual([
      { name: 'v1', pods: 1, readyPods: 1, updatedPods: 0 },
      { name: 'v2', pods: 1, readyPods: 1, updatedPods: 0 },
    ]);
    expect(condition(result, 'Accepted')).toMatchObject({ status: 'True', reason: 'Valid' });
    expect(condition(result, 'Available')).toMatchObject({ status: 'True', reason: 'PodsReady' });
    expect(condition(result, 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'Settled',
      lastTransitionTime: '2026-01-01T00:00:00Z',
      observedGeneration: 1,
    });
  });

  it('reuses an existing revision of the same spec and numbers a new one after the highest', () => {
    expect(run({ revisions: [revA] }).createRevision).toBeUndefined();
    const result = run({
      virtualApp: aVirtualApp({
        spec: SPEC_B,
        status: { routing: { currentRevision: A, phase: 'Settled', observedGeneration: 1 } },
      }),
      revisions: [{ ...revA, revision: 4 }],
    });
    expect(result.createRevision).toEqual({ name: B, revision: 5, spec: SPEC_B });
    expect(result.status.routing).toEqual({ ...revokingAB, observedGeneration: 1 });
  });

  it('waits in Revoking while a live pod has not applied it, naming the pod', () => {
    const pods = [reporting(aPod('web-v1-0'), revokingAB), aPod('web-v2-0')];
    const result = run({
      virtualApp: onB(revokingAB),
      revisions: [revA, revB],
      pods,
      now: T0 + 5_000,
    });
    expect(result.status.routing).toEqual(revokingAB);
    expect(result.published).toBeUndefined();
    expect(condition(result, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'Revoking',
      message: `revision ${B} replaces ${A}: 1 of 2 live pods applied Revoking; waiting for web-v2-0`,
      lastTransitionTime: '2026-01-01T00:00:00Z',
    });
    expect(condition(result, 'Degraded')).toMatchObject({ status: 'False' });
    expect(result.requeueAfterMs).toBe(25_000);
  });

  it('says which pod holds the handover once the grace period has passed', () => {
    const result = run({
      virtualApp: onB(revokingAB),
      revisions: [revA, revB],
      pods: [aPod('go-sample-v2-0')],
      now: T0 + 30_000,
    });
    expect(result.status.routing).toEqual(revokingAB);
    expect(condition(result, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'PodsNotReporting',
      message: `go-sample-v2-0 has not applied revision ${B} (Revoking) for 30s`,
    });
  });

  it('settles once every live pod reports, and says how long the handover took', () => {
    const pods = [reporting(aPod('web-v1-0'), revokingAB), reporting(aPod('web-v2-0'), revokingAB)];
    const result = run({
      virtualApp: onB(revokingAB),
      revisions: [revA, revB],
      pods,
      now: T0 + 1_500,
    });
    expect(result.status.routing).toEqual({ ...revokingAB, phase: 'Settled' });
    expect(result.published).toEqual(result.status.routing);
    expect(result.handoverMs).toBe(1_500);
    expect(condition(result, 'Progressing')).toMatchObject({ status: 'False', reason: 'Settled' });
    expect(result.status.subsets).toEqual([
      { name: 'v1', pods: 1, readyPods: 1, updatedPods: 0 },
      { name: 'v2', pods: 1, readyPods: 1, updatedPods: 0 },
    ]);
  });

  it('counts pods that report the published state as updated', () => {
    const routing: Routing = { currentRevision: A, phase: 'Settled', observedGeneration: 1 };
    const result = run({
      virtualApp: aVirtualApp({ status: { routing } }),
      revisions: [revA],
      pods: [
        reporting(aPod('web-v1-0'), routing),
        aPod('web-v1-1'),
        aPod('web-v2-0', { ready: { status: 'False', since: T0 } }),
      ],
    });
    expect(result.status.subsets).toEqual([
      { name: 'v1', pods: 2, readyPods: 2, updatedPods: 1 },
      { name: 'v2', pods: 1, readyPods: 0, updatedPods: 0 },
    ]);
  });

  it('does not wait for pods being deleted or not Ready past the grace period, and names them', () => {
    const pods: PodView[] = [
      reporting(aPod('web-v1-0'), revokingAB),
      aPod('web-v1-1', { deleting: true }),
      aPod('web-v2-0', { ready: { status: 'False', since: T0 - 45_000 } }),
    ];
    const result = run({ virtualApp: onB(revokingAB), revisions: [revA, revB], pods });
    expect(result.status.routing?.phase).toBe('Settled');
    expect(condition(result, 'Progressing')?.message).toContain(
      'not waiting for web-v1-1 (being deleted), web-v2-0 has not been Ready for 45s',
    );
    expect(condition(result, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'PodsNotReady',
      message: 'web-v2-0 has not been Ready for 45s; they no longer hold a handover',
    });
  });

  it('still waits for a pod not Ready within the grace period, and wakes when it runs out', () => {
    const pods = [aPod('web-v2-0', { ready: { status: 'False', since: T0 - 10_000 } })];
    const result = run({ virtualApp: onB(revokingAB), revisions: [revA, revB], pods });
    expect(result.status.routing).toEqual(revokingAB);
    expect(result.requeueAfterMs).toBe(20_000);
  });

  it('ignores pods that spec.selector does not select', () => {
    const stranger = aPod('other-0', { labels: { app: 'other' } });
    const result = run({ virtualApp: onB(revokingAB), revisions: [revA, revB], pods: [stranger] });
    expect(result.status.routing?.phase).toBe('Settled');
    expect(result.status.subsets).toEqual([
      { name: 'v1', pods: 0, readyPods: 0, updatedPods: 0 },
      { name: 'v2', pods: 0, readyPods: 0, updatedPods: 0 },
    ]);
  });

  it('waits for pods that only the previous revision selects', () => {
    const specB = { ...SPEC_B, selector: { matchLabels: { app: 'web', track: 'new' } } };
    const revB2 = { name: revisionName('web', specB), revision: 2, spec: specB };
    const routing: Routing = { ...revokingAB, currentRevision: revB2.name };
    const pods = [reporting(aPod('web-v1-0'), revokingAB)];
    const result = run({
      virtualApp: { ...onB(routing), spec: specB },
      revisions: [revA, revB2],
      pods,
    });
    expect(result.status.routing?.phase).toBe('Revoking');
    expect(condition(result, 'Progressing')?.message).toContain('waiting for web-v1-0');
  });

  it('does not settle for nobody when the current revision was deleted by hand', () => {
    const result = run({
      virtualApp: onB(revokingAB),
      revisions: [revA],
      pods: [aPod('web-v2-0')],
    });
    expect(result.status.routing?.phase).toBe('Revoking');
  });

  it('counts pods of no declared subset under the default subset', () => {
    const result = run({ pods: [aPod('web-x', { labels: { app: 'web', version: 'v9' } })] });
    expect(result.status.subsets).toContainEqual({
      name: '(default)',
      pods: 1,
      readyPods: 1,
      updatedPods: 0,
    });
  });

  it('never publishes an invalid spec: Accepted=False with every problem, routing unchanged', () => {
    const routing: Routing = { currentRevision: A, phase: 'Settled', observedGeneration: 1 };
    const invalid = {
      ...SPEC_A,
      selector: {},
      subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['nope'] }],
    };
    const result = run({
      virtualApp: aVirtualApp({ generation: 3, spec: invalid, status: { routing } }),
      revisions: [revA],
    });
    expect(result.createRevision).toBeUndefined();
    expect(result.published).toBeUndefined();
    expect(result.status.routing).toEqual(routing);
    expect(result.status.observedGeneration).toBe(3);
    expect(condition(result, 'Accepted')).toMatchObject({
      status: 'False',
      reason: 'InvalidSpec',
      message: `generation 3 is not published (revision ${A} stays published): spec.selector: selector must not be empty: it would select every pod in the namespace; spec.subsets[0].routeRules[0]: unknown sub-rule "nope"`,
    });
  });

  it('publishes nothing for an invalid first spec and says so', () => {
    const result = run({
      virtualApp: aVirtualApp({
        spec: {
          selector: { matchLabels: { app: 'web' } },
          subsets: [{ name: 'Bad_Name', labels: {} }],
        },
      }),
    });
    expect(result.createRevision).toBeUndefined();
    expect(result.status.routing).toBeUndefined();
    expect(condition(result, 'Accepted')?.message).toMatch(
      /^generation 1 is not published \(nothing is published until the spec is fixed\): spec\.subsets\[0\]\.name: .*; spec\.subsets\[0\]\.labels: /,
    );
    expect(condition(result, 'Available')).toMatchObject({ status: 'False', reason: 'NoRevision' });
  });

  it('deletes the oldest revisions beyond the limit, never the current or the previous', () => {
    const old = Array.from({ length: 4 }, (_, i) => ({
      name: `web-old${i}`,
      revision: i + 3,
      spec: SPEC_A,
    }));
    const result = reconcileVirtualApp({
      virtualApp: onB(revokingAB),
      revisions: [revA, revB, ...old],
      pods: [],
      now: T0,
      options: { ...options, revisionHistoryLimit: 3 },
    });
    expect(result.deleteRevisions).toEqual(['web-old0', 'web-old1', 'web-old2']);
  });

  it('keeps the Progressing time while the published state stays, and restarts it on a new one', () => {
    const routing: Routing = { currentRevision: A, phase: 'Settled', observedGeneration: 1 };
    const first = run({ virtualApp: aVirtualApp({ status: { routing } }), revisions: [revA] });
    const again = run({
      virtualApp: aVirtualApp({ status: first.status }),
      revisions: [revA],
      now: T0 + 60_000,
    });
    expect(condition(again, 'Progressing')?.lastTransitionTime).toBe(
      condition(first, 'Progressing')?.lastTransitionTime,
    );
    const moved = run({
      virtualApp: aVirtualApp({ spec: SPEC_B, status: again.status }),
      revisions: [revA],
      now: T0 + 90_000,
    });
    expect(condition(moved, 'Progressing')).toMatchObject({
      status: 'True',
      lastTransitionTime: '2026-01-01T00:01:30Z',
    });
  });
});
