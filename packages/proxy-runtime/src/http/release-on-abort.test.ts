import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { releaseOnAbort } from './release-on-abort.js';

const stalled = () => new Readable({ read: () => undefined });

describe('releaseOnAbort', () => {
  it('destroys the answer when the exchange is aborted, and not before', () => {
    const controller = new AbortController();
    const answer = stalled();
    releaseOnAbort(controller.signal, answer);
    expect(answer.destroyed).toBe(false);
    controller.abort();
    expect(answer.destroyed).toBe(true);
  });

  it('destroys it at once when the controller has already gone', () => {
    const answer = stalled();
    releaseOnAbort(AbortSignal.abort(), answer);
    expect(answer.destroyed).toBe(true);
  });
});
