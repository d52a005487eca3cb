import { describe, expect, it } from 'vitest';
import { aPod, reporting, T0 } from '../test-support/builders.js';
import { podStanding } from './pod-liveness.js';
import type { Routing } from './views.js';

const state: Routing = {
  currentRevision: 'web-b',
  previousRevision: 'web-a',
  phase: 'Revoking',
  observedGeneration: 2,
};
const GRACE = 30_000;

describe('podStanding', () => {
  it('counts a Ready pod, and says whether it reports the published state', () => {
    expect(podStanding(aPod('p'), state, T0, GRACE)).toEqual({ kind: 'live', reports: false });
    expect(podStanding(reporting(aPod('p'), state), state, T0, GRACE)).toEqual({
      kind: 'live',
      reports: true,
    });
  });

  it('does not take another phase or revision for the published state', () => {
    for (const other of [
      { ...state, phase: 'Settled' as const },
      { ...state, currentRevision: 'web-c' },
    ]) {
      expect(podStanding(reporting(aPod('p'), other), state, T0, GRACE)).toMatchObject({
        reports: false,
      });
    }
  });

  it('does not take a False condition for a report', () => {
    const pod = {
      ...aPod('p'),
      routesApplied: { status: 'False' as const, reason: 'Revoking', message: 'web-b' },
    };
    expect(podStanding(pod, state, T0, GRACE)).toMatchObject({ reports: false });
  });

  it('stops counting a pod once it has not been Ready for the grace period', () => {
    const pod = aPod('p', { ready: { status: 'False', since: T0 } });
    expect(podStanding(pod, state, T0 + GRACE - 1, GRACE)).toEqual({
      kind: 'live',
      reports: false,
      notReadyUntil: T0 + GRACE,
    });
    expect(podStanding(pod, state, T0 + GRACE, GRACE)).toEqual({ kind: 'notReady', forMs: GRACE });
  });

  it('measures a pod without a Ready condition from its creation', () => {
    const pod = aPod('p', { ready: undefined, createdAt: T0 });
    expect(podStanding(pod, state, T0 + GRACE + 5, GRACE)).toEqual({
      kind: 'notReady',
      forMs: GRACE + 5,
    });
  });

  it('never counts a pod being deleted', () => {
    expect(podStanding(reporting(aPod('p', { deleting: true }), state), state, T0, GRACE)).toEqual({
      kind: 'gone',
    });
  });
});
