import { describe, expect, it } from 'vitest';
import { ManualClock } from '../test-support/manual-clock.js';
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
});

describe('ManualClock', () => {
  it('ends a wait only once time was advanced past it', async () => {
    const clock = new ManualClock();
    let woke = false;
    const waiting = clock.sleep(100).then(() => {
      woke = true;
    });
    clock.advance(99);
    await Promise.resolve();
    expect(woke).toBe(false);
    expect(clock.waiting).toEqual([100]);
    clock.advance(1);
    await waiting;
    expect(clock.now()).toBe(100);
    expect(clock.waiting).toEqual([]);
  });
});
