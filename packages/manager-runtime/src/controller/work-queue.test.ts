import { flush, ManualClock } from '@ctrlmesh/runtime-support/testing';
import { describe, expect, it } from 'vitest';
import { type HandleResult, WorkQueue } from './work-queue.js';

const queueWith = (handle: (key: string) => Promise<HandleResult>) => {
  const clock = new ManualClock();
  const errors: [string, number][] = [];
  const queue = new WorkQueue({
    clock,
    handle,
    onError: (key, _error, retryInMs) => errors.push([key, retryInMs]),
    baseRetryMs: 100,
    maxRetryMs: 300,
  });
  return { clock, queue, errors };
};

describe('WorkQueue', () => {
  it('handles a key added many times while it waits once', async () => {
    const seen: string[] = [];
    let release: () => void = () => undefined;
    const { queue } = queueWith(async (key) => {
      seen.push(key);
      if (key === 'a') await new Promise<void>((resolve) => (release = resolve));
      return undefined;
    });
    queue.add('a');
    queue.add('b');
    queue.add('b');
    queue.add('b');
    await flush();
    release();
    await queue.idle();
    expect(seen).toEqual(['a', 'b']);
  });

  it('never handles two keys at once', async () => {
    let running = 0;
    let most = 0;
    const { queue } = queueWith(async () => {
      running += 1;
      most = Math.max(most, running);
      await flush();
      running -= 1;
      return undefined;
    });
    for (const key of ['a', 'b', 'c']) queue.add(key);
    await queue.idle();
    expect(most).toBe(1);
  });

  it('retries a failing key with doubling delays up to the maximum', async () => {
    let calls = 0;
    const { queue, clock, errors } = queueWith(async () => {
      calls += 1;
      if (calls <= 3) throw new Error('conflict');
      return undefined;
    });
    queue.add('a');
    await flush();
    await clock.advance(99);
    expect(calls).toBe(1);
    await clock.advance(1);
    expect(calls).toBe(2);
    await clock.advance(200);
    expect(calls).toBe(3);
    await clock.advance(300);
    expect(calls).toBe(4);
    expect(errors).toEqual([
      ['a', 100],
      ['a', 200],
      ['a', 300],
    ]);
  });

  it('comes back to a key that asks for it, after the time it asked for', async () => {
    let calls = 0;
    const { queue, clock } = queueWith(async () => {
      calls += 1;
      return calls === 1 ? { requeueAfterMs: 5_000 } : undefined;
    });
    queue.add('a');
    await clock.advance(4_999);
    expect(calls).toBe(1);
    await clock.advance(1);
    expect(calls).toBe(2);
    expect(clock.pending).toBe(0);
  });

  it('ignores keys and drops timers once stopped', async () => {
    let calls = 0;
    const { queue, clock } = queueWith(async () => {
      calls += 1;
      return { requeueAfterMs: 10 };
    });
    queue.add('a');
    await flush();
    await queue.stop();
    queue.add('b');
    await clock.advance(100);
    expect(calls).toBe(1);
    expect(clock.pending).toBe(0);
  });
});
