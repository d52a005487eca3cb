import { describe, expect, it } from 'vitest';
import {
  decideLease,
  type LeaseRecord,
  microTime,
  observe,
  releasedRecord,
  renewDeadlinePassed,
} from './lease-decision.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0, 250);
const held = (holder: string | undefined, overrides: Partial<LeaseRecord> = {}): LeaseRecord => ({
  holderIdentity: holder,
  leaseDurationSeconds: 4,
  acquireTime: microTime(T0 - 10_000),
  renewTime: microTime(T0),
  leaseTransitions: 2,
  ...overrides,
});
const base = { identity: 'me', leaseDurationMs: 4000 };

describe('microTime', () => {
  it('writes six fractional digits in UTC, as metav1.MicroTime does', () => {
    expect(microTime(T0)).toBe('2026-01-01T12:00:00.250000Z');
  });
});

describe('decideLease', () => {
  it('creates a missing Lease held by this replica', () => {
    expect(decideLease({ ...base, nowMs: T0, current: undefined })).toEqual({
      kind: 'create',
      record: {
        holderIdentity: 'me',
        leaseDurationSeconds: 4,
        acquireTime: microTime(T0),
        renewTime: microTime(T0),
        leaseTransitions: 0,
      },
    });
  });

  it('renews its own Lease, keeping acquireTime and the transition count', () => {
    const record = held('me');
    const decision = decideLease({
      ...base,
      nowMs: T0 + 1000,
      current: { record, observedAtMs: T0 },
    });
    expect(decision).toEqual({
      kind: 'update',
      takeover: false,
      record: { ...record, renewTime: microTime(T0 + 1000) },
    });
  });

  it('waits while another holder has not been seen unchanged for a whole lease duration', () => {
    const current = { record: held('other'), observedAtMs: T0 };
    expect(decideLease({ ...base, nowMs: T0 + 3999, current })).toEqual({
      kind: 'wait',
      holder: 'other',
      expiresAtMs: T0 + 4000,
    });
  });

  it("measures expiry with the holder's leaseDurationSeconds, not its own", () => {
    const current = { record: held('other', { leaseDurationSeconds: 30 }), observedAtMs: T0 };
    expect(decideLease({ ...base, nowMs: T0 + 10_000, current }).kind).toBe('wait');
  });

  it('takes over an expired Lease and counts a transition', () => {
    const current = { record: held('other'), observedAtMs: T0 };
    expect(decideLease({ ...base, nowMs: T0 + 4000, current })).toEqual({
      kind: 'update',
      takeover: true,
      record: {
        holderIdentity: 'me',
        leaseDurationSeconds: 4,
        acquireTime: microTime(T0 + 4000),
        renewTime: microTime(T0 + 4000),
        leaseTransitions: 3,
      },
    });
  });

  it('takes over a released Lease at once', () => {
    const current = { record: releasedRecord(held('other'), T0), observedAtMs: T0 };
    const decision = decideLease({ ...base, nowMs: T0, current });
    expect(decision).toMatchObject({ kind: 'update', takeover: true });
  });

  it('rounds a sub-second lease duration up to whole seconds', () => {
    const decision = decideLease({ ...base, leaseDurationMs: 1500, nowMs: T0, current: undefined });
    expect(decision.kind === 'create' && decision.record.leaseDurationSeconds).toBe(2);
  });
});

describe('observe', () => {
  it('keeps the first observation while the holder does not renew', () => {
    const first = observe(undefined, held('other'), T0);
    expect(observe(first, held('other'), T0 + 3000)).toBe(first);
  });

  it('restarts the clock when the holder renews', () => {
    const first = observe(undefined, held('other'), T0);
    const renewed = held('other', { renewTime: microTime(T0 + 1000) });
    expect(observe(first, renewed, T0 + 3000)).toEqual({
      record: renewed,
      observedAtMs: T0 + 3000,
    });
  });

  it('restarts the clock when the holder changes', () => {
    const first = observe(undefined, held('other'), T0);
    expect(observe(first, held('third'), T0 + 3000).observedAtMs).toBe(T0 + 3000);
  });
});

describe('releasedRecord', () => {
  it('clears the holder and shortens the duration to one second', () => {
    expect(releasedRecord(held('me'), T0 + 5)).toEqual({
      ...held('me'),
      holderIdentity: undefined,
      leaseDurationSeconds: 1,
      acquireTime: microTime(T0 + 5),
      renewTime: microTime(T0 + 5),
    });
  });
});

describe('renewDeadlinePassed', () => {
  it('is false before the deadline and true from it on', () => {
    expect(renewDeadlinePassed(T0, T0 + 2999, 3000)).toBe(false);
    expect(renewDeadlinePassed(T0, T0 + 3000, 3000)).toBe(true);
  });
});
