import { describe, expect, it } from 'vitest';
import { heldRunnable, type Runnable, untilAborted } from './runnable.js';
import { createRunnableGroup, RunnableError } from './runnable-group.js';

/** A part that records when it starts, is ready and has stopped, in one shared journal. */
const part = (
  journal: string[],
  name: string,
  options: { failStart?: Error; failStop?: Error; readyWhen?: Promise<void> } = {},
): Runnable => {
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  return {
    name,
    ready,
    start: async (signal) => {
      journal.push(`start ${name}`);
      if (options.failStart !== undefined) throw options.failStart;
      void (options.readyWhen ?? Promise.resolve()).then(markReady);
      await untilAborted(signal);
      journal.push(`stop ${name}`);
      if (options.failStop !== undefined) throw options.failStop;
    },
  };
};

describe('createRunnableGroup', () => {
  it('starts its parts in order, each once the one before is ready, and is ready after the last', async () => {
    const journal: string[] = [];
    let letAReady: () => void = () => undefined;
    const aReady = new Promise<void>((resolve) => {
      letAReady = resolve;
    });
    const group = createRunnableGroup('g', [
      part(journal, 'a', { readyWhen: aReady }),
      part(journal, 'b'),
      part(journal, 'c'),
    ]);
    const stop = new AbortController();
    const running = group.start(stop.signal);
    await expect.poll(() => journal).toEqual(['start a']);
    letAReady();
    await group.ready;
    expect(journal).toEqual(['start a', 'start b', 'start c']);
    stop.abort();
    await running;
  });

  it('stops its parts in reverse order when its signal aborts, each after the next has cleaned up', async () => {
    const journal: string[] = [];
    const slowStop: Runnable = {
      name: 'slow',
      start: async (signal) => {
        await untilAborted(signal);
        // Cleaning up takes a few turns; the part before it must not be stopped meanwhile.
        for (let turn = 0; turn < 5; turn++) await new Promise(setImmediate);
        journal.push('stop slow');
      },
    };
    const group = createRunnableGroup('g', [part(journal, 'a'), part(journal, 'b'), slowStop]);
    const stop = new AbortController();
    const running = group.start(stop.signal);
    await group.ready;
    stop.abort();
    await expect(running).resolves.toBeUndefined();
    expect(journal).toEqual(['start a', 'start b', 'stop slow', 'stop b', 'stop a']);
  });

  it('stops what it started when a part cannot start, then rejects naming that part', async () => {
    const journal: string[] = [];
    const cause = new Error('cannot read the serving certificate: ENOENT');
    const group = createRunnableGroup('g', [
      part(journal, 'a'),
      part(journal, 'b', { failStart: cause }),
      part(journal, 'c'),
    ]);
    const failed = await group.start(new AbortController().signal).catch((error) => error);
    expect(failed).toBeInstanceOf(RunnableError);
    expect(failed).toMatchObject({
      name: 'RunnableError',
      runnable: 'b',
      phase: 'start',
      message: 'cannot read the serving certificate: ENOENT',
      cause,
    });
    expect(journal).toEqual(['start a', 'start b', 'stop a']);
  });

  it('stops every part in reverse order when one fails while running, and rejects naming it', async () => {
    const journal: string[] = [];
    let crash: (error: Error) => void = () => undefined;
    const crashing: Runnable = {
      name: 'crashing',
      start: (signal) =>
        new Promise<void>((resolve, reject) => {
          crash = reject;
          signal.addEventListener('abort', () => resolve());
        }),
    };
    const group = createRunnableGroup('g', [part(journal, 'a'), crashing, part(journal, 'c')]);
    const running = group.start(new AbortController().signal);
    await group.ready;
    crash(new Error('watch lost'));
    await expect(running).rejects.toMatchObject({ runnable: 'crashing', phase: 'run' });
    expect(journal).toEqual(['start a', 'start c', 'stop c', 'stop a']);
  });

  it('starts nothing more when its signal aborts during the start, and stops what it started', async () => {
    const journal: string[] = [];
    const stop = new AbortController();
    const neverReady = new Promise<void>(() => undefined);
    const group = createRunnableGroup('g', [
      part(journal, 'a'),
      part(journal, 'b', { readyWhen: neverReady }),
      part(journal, 'c'),
    ]);
    const running = group.start(stop.signal);
    await expect.poll(() => journal).toEqual(['start a', 'start b']);
    stop.abort();
    await expect(running).resolves.toBeUndefined();
    expect(journal).toEqual(['start a', 'start b', 'stop b', 'stop a']);
  });

  it('starts nothing when its signal has already aborted', async () => {
    const journal: string[] = [];
    const stop = new AbortController();
    stop.abort();
    await createRunnableGroup('g', [part(journal, 'a')]).start(stop.signal);
    expect(journal).toEqual([]);
  });

  it('still stops every part when one fails to stop, and rejects naming it', async () => {
    const journal: string[] = [];
    const group = createRunnableGroup('g', [
      part(journal, 'a'),
      part(journal, 'b', { failStop: new Error('close failed') }),
      part(journal, 'c'),
    ]);
    const stop = new AbortController();
    const running = group.start(stop.signal);
    await group.ready;
    stop.abort();
    await expect(running).rejects.toMatchObject({ runnable: 'b', phase: 'stop' });
    expect(journal).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('treats a part that ends on its own as done, and keeps the others running', async () => {
    const journal: string[] = [];
    const once: Runnable = { name: 'once', start: async () => void journal.push('once') };
    const group = createRunnableGroup('g', [part(journal, 'a'), once, part(journal, 'c')]);
    const stop = new AbortController();
    const running = group.start(stop.signal);
    await group.ready;
    expect(journal).toEqual(['start a', 'once', 'start c']);
    stop.abort();
    await expect(running).resolves.toBeUndefined();
    expect(journal).toEqual(['start a', 'once', 'start c', 'stop c', 'stop a']);
  });
});

describe('heldRunnable', () => {
  it('is ready once set up, and releases what it set up when stopped', async () => {
    const journal: string[] = [];
    const held = heldRunnable('held', async () => {
      journal.push('set up');
      return () => void journal.push('released');
    });
    const stop = new AbortController();
    const running = held.start(stop.signal);
    await held.ready;
    expect(journal).toEqual(['set up']);
    stop.abort();
    await running;
    expect(journal).toEqual(['set up', 'released']);
  });

  it('rejects when its set-up throws, with nothing to release', async () => {
    const held = heldRunnable('held', () => {
      throw new Error('port in use');
    });
    await expect(held.start(new AbortController().signal)).rejects.toThrow('port in use');
  });
});
