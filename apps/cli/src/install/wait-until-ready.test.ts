import { describe, expect, it } from 'vitest';
import { capturedIo } from '../testing/captured-io.js';
import { progressLine } from './progress-line.js';
import type { Readiness } from './readiness.js';
import { POLL_INTERVAL_MS, type ReadinessCheck, waitUntilReady } from './wait-until-ready.js';

/** A check that answers `answers` in turn, then the last one forever. */
const scripted = (label: string, answers: readonly Readiness[]): ReadinessCheck => {
  let i = 0;
  return {
    label,
    read: async () => answers[Math.min(i++, answers.length - 1)] as Readiness,
  };
};
const waiting = (message: string): Readiness => ({ state: 'waiting', message });
const ready = (message = 'ok'): Readiness => ({ state: 'ready', message });

describe('waiting until ready', () => {
  it('polls until every check is ready, printing each new state once', async () => {
    const io = capturedIo();
    const outcome = await waitUntilReady(
      io,
      [
        scripted('a', [waiting('1 of 2'), waiting('1 of 2'), ready()]),
        scripted('b', [waiting('x'), ready('done')]),
      ],
      60_000,
      progressLine(io),
    );
    expect(outcome).toEqual({
      state: 'ready',
      ready: [
        { label: 'b', message: 'done' },
        { label: 'a', message: 'ok' },
      ],
    });
    expect(io.stderr()).toBe('waiting for a: 1 of 2 (and 1 more)\nwaiting for a: 1 of 2\n');
    expect(io.now()).toBe(2 * POLL_INTERVAL_MS);
  });

  it('stops at the deadline with what is still waiting, and sleeps no further than it', async () => {
    const io = capturedIo();
    const outcome = await waitUntilReady(
      io,
      [scripted('a', [ready()]), scripted('b', [waiting('never')])],
      2_500,
      progressLine(io),
    );
    expect(outcome).toEqual({
      state: 'timeout',
      ready: [{ label: 'a', message: 'ok' }],
      pending: [{ label: 'b', message: 'never' }],
    });
    expect(io.now()).toBe(2_500);
  });

  it('stops at once when a check fails', async () => {
    const io = capturedIo();
    const outcome = await waitUntilReady(
      io,
      [scripted('a', [waiting('w'), { state: 'failed', message: 'stuck' }])],
      60_000,
      progressLine(io),
    );
    expect(outcome).toMatchObject({ state: 'failed', failed: { label: 'a', message: 'stuck' } });
    expect(io.now()).toBe(POLL_INTERVAL_MS);
  });

  it('answers at once, without a progress line, when everything is ready', async () => {
    const io = capturedIo();
    expect((await waitUntilReady(io, [scripted('a', [ready()])], 0, progressLine(io))).state).toBe(
      'ready',
    );
    expect(io.stderr()).toBe('');
  });
});
