import { flush, ManualClock } from '@ctrlmesh/runtime-support/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../observe/log.js';
import { MemoryLeaseStore } from '../test-support/memory-lease-store.js';
import { createLeaderElector, type LeaderElector } from './leader-elector.js';

const timings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

const setUp = () => {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const store = new MemoryLeaseStore();
  const aborts: AbortController[] = [];
  const runs: Promise<void>[] = [];
  const candidate = (identity: string, storeView = store.view()) => {
    const events: string[] = [];
    const elector: LeaderElector = createLeaderElector({
      store: storeView,
      identity,
      timings,
      clock,
      log: silentLogger,
      onStartedLeading: () => events.push('started'),
      onStoppedLeading: () => events.push('stopped'),
    });
    const abort = new AbortController();
    aborts.push(abort);
    const run = elector.run(abort.signal);
    runs.push(run);
    return { elector, events, abort, run };
  };
  return {
    clock,
    store,
    candidate,
    stopAll: async () => {
      for (const abort of aborts) abort.abort();
      // A round that hangs gives up after half the renew deadline.
      await clock.advance(timings.renewDeadlineMs);
      await Promise.all(runs);
    },
  };
};

let cleanup: () => Promise<void> = async () => undefined;
afterEach(() => cleanup());

describe('createLeaderElector', () => {
  it('creates a missing Lease and leads, renewing it every retry period', async () => {
    const { clock, store, candidate, stopAll } = setUp();
    cleanup = stopAll;
    const a = candidate('a');
    await flush();
    expect(a.elector.isLeader()).toBe(true);
    expect(a.events).toEqual(['started']);
    expect(store.lease?.record).toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });
    const firstRenew = store.lease?.record.renewTime;
    await clock.advance(2_000);
    expect(store.lease?.record.renewTime).not.toBe(firstRenew);
    expect(store.lease?.record.renewTime).toBe('2026-01-01T00:00:02.000000Z');
  });

  it('lets only one of two candidates lead', async () => {
    const { clock, candidate, stopAll } = setUp();
    cleanup = stopAll;
    const [a, b] = [candidate('a'), candidate('b')];
    for (let i = 0; i < 10; i += 1) {
      await clock.advance(2_000);
      expect([a.elector.isLeader(), b.elector.isLeader()].filter(Boolean)).toHaveLength(1);
    }
  });

  it('takes over a Lease that was not renewed for the lease duration, not before', async () => {
    const { clock, store, candidate, stopAll } = setUp();
    cleanup = stopAll;
    // A holder that died: its record stays as it last wrote it.
    await store.view().create({
      holderIdentity: 'dead',
      leaseDurationSeconds: 15,
      renewTime: 'x',
      leaseTransitions: 3,
    });
    const b = candidate('b');
    await clock.advance(14_000);
    expect(b.elector.isLeader()).toBe(false);
    await clock.advance(2_000);
    expect(b.elector.isLeader()).toBe(true);
    expect(store.lease?.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 4 });
  });

  it('steps down once it cannot renew for the renew deadline, before anyone may take over', async () => {
    const { clock, store, candidate, stopAll } = setUp();
    cleanup = stopAll;
    const a = candidate('a');
    await flush();
    store.failing = true;
    await clock.advance(8_000);
    expect(a.elector.isLeader()).toBe(true);
    await clock.advance(2_000);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.events).toEqual(['started', 'stopped']);
  });

  it('does not let a hung request keep it leading past the renew deadline', async () => {
    const { clock, store, candidate, stopAll } = setUp();
    cleanup = stopAll;
    const a = candidate('a');
    await flush();
    store.hanging = true;
    await clock.advance(timings.renewDeadlineMs + timings.retryPeriodMs + 5_000);
    expect(a.elector.isLeader()).toBe(false);
  });

  it('steps down at once when another replica holds the Lease', async () => {
    const { clock, store, candidate, stopAll } = setUp();
    cleanup = stopAll;
    const a = candidate('a');
    await flush();
    const { version } = store.lease!;
    await store
      .view()
      .update(
        { holderIdentity: 'intruder', leaseDurationSeconds: 15, leaseTransitions: 1 },
        version,
      );
    await clock.advance(2_000);
    expect(a.elector.isLeader()).toBe(false);
  });

  it('releases the Lease on stop so that the next candidate takes over at once', async () => {
    const { clock, store, candidate, stopAll } = setUp();
    cleanup = stopAll;
    const a = candidate('a');
    await flush();
    const b = candidate('b');
    await clock.advance(2_000);
    expect(b.elector.isLeader()).toBe(false);
    a.abort.abort();
    await clock.advance(0);
    await a.run;
    expect(a.events).toEqual(['started', 'stopped']);
    expect(store.lease?.record).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    await clock.advance(2_000);
    expect(b.elector.isLeader()).toBe(true);
  });
});
