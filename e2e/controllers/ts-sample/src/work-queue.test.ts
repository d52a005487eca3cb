import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkQueue } from './work-queue.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('WorkQueue', () => {
  it('handles a key added several times while waiting only once', async () => {
    const handled: string[] = [];
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const queue = new WorkQueue(
      async (key) => {
        handled.push(key);
        if (key === 'a') await blocked;
      },
      10,
      () => {},
    );
    queue.add('a');
    queue.add('b');
    queue.add('b');
    queue.add('c');
    release();
    await vi.waitFor(() => expect(handled).toEqual(['a', 'b', 'c']));
  });

  it('retries a failed key after the delay', async () => {
    vi.useFakeTimers();
    const attempts: string[] = [];
    const errors: string[] = [];
    const queue = new WorkQueue(
      async (key) => {
        attempts.push(key);
        if (attempts.length === 1) throw new Error('conflict');
      },
      1000,
      (key, error) => errors.push(`${key}: ${(error as Error).message}`),
    );
    queue.add('a');
    await vi.advanceTimersByTimeAsync(999);
    expect(attempts).toEqual(['a']);
    expect(errors).toEqual(['a: conflict']);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual(['a', 'a']);
  });

  it('ignores keys after stop', async () => {
    const handled: string[] = [];
    const queue = new WorkQueue(
      async (key) => {
        handled.push(key);
      },
      10,
      () => {},
    );
    queue.stop();
    queue.add('a');
    await Promise.resolve();
    expect(handled).toEqual([]);
  });
});
