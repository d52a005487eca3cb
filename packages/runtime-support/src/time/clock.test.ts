import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock.js';
import { systemClock } from './clock.js';

describe('systemClock', () => {
  it('ends a long wait at once when its signal aborts', async () => {
    const stop = new AbortController();
    const waiting = systemClock.sleep(3_600_000, stop.signal);
    stop.abort();
    await expect(waiting).resolves.toBeUndefined();
  });

  it('does not wait when its signal has already aborted', async () => {
    await expect(systemClock.sleep(3_600_000, AbortSignal.abort())).resolves.toBeUndefined();
  });

  it('calls an after timer once it is due, and never once it was cancelled', async () => {
    const calls: string[] = [];
    const cancel = systemClock.after(0, () => calls.push('cancelled'));
    cancel();
    await new Promise<void>((resolve) => systemClock.after(1, () => resolve()));
    expect(calls).toEqual([]);
  });
});

describe('ManualClock', () => {
  it('ends a wait only once time was advanced past it', async () => {
    const clock = new ManualClock();
    let woke = false;
    const waiting = clock.sleep(100).then(() => {
      woke = true;
    });
    await clock.advance(99);
    expect(woke).toBe(false);
    expect(clock.waiting).toEqual([100]);
    await clock.advance(1);
    await waiting;
    expect(clock.now()).toBe(100);
    expect(clock.waiting).toEqual([]);
  });

  it('fires timers in the order they fall due, each at its own time', async () => {
    const clock = new ManualClock(1_000);
    const fired: [string, number][] = [];
    clock.after(300, () => fired.push(['late', clock.now()]));
    clock.after(100, () => fired.push(['early', clock.now()]));
    const cancel = clock.after(200, () => fired.push(['cancelled', clock.now()]));
    cancel();
    expect(clock.pending).toBe(2);
    await clock.advance(500);
    expect(fired).toEqual([
      ['early', 1_100],
      ['late', 1_300],
    ]);
    expect(clock.now()).toBe(1_500);
  });

  it('fires a timer that a due timer started, when it falls due within the same advance', async () => {
    const clock = new ManualClock();
    const ticks: number[] = [];
    const tick = async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(10);
        ticks.push(clock.now());
      }
    };
    const ticking = tick();
    await clock.advance(25);
    expect(ticks).toEqual([10, 20]);
    await clock.advance(5);
    await ticking;
    expect(ticks).toEqual([10, 20, 30]);
  });

  it('ends a sleep when its signal aborts, and leaves no timer behind', async () => {
    const clock = new ManualClock();
    const stop = new AbortController();
    const waiting = clock.sleep(1_000, stop.signal);
    expect(clock.waiting).toEqual([1_000]);
    stop.abort();
    await expect(waiting).resolves.toBeUndefined();
    expect(clock.pending).toBe(0);
    await expect(clock.sleep(1_000, stop.signal)).resolves.toBeUndefined();
    expect(clock.pending).toBe(0);
  });

  it('leaves no abort listener on a signal that outlives the sleeps it ended', async () => {
    const clock = new ManualClock();
    const stop = new AbortController();
    const sleeps = [clock.sleep(10, stop.signal), clock.sleep(20, stop.signal)];
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(2);
    await clock.advance(20);
    await Promise.all(sleeps);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });
});
