import { describe, expect, it } from 'vitest';
import { createOutcomeWindow } from './outcome-window.js';

describe('createOutcomeWindow', () => {
  it('counts outcomes of the last window and forgets older ones, a tenth at a time', () => {
    const window = createOutcomeWindow(10_000);
    window.record(0, true);
    window.record(500, false);
    window.record(5_000, true);
    expect(window.counts(5_000)).toEqual({ total: 3, failures: 2 });
    expect(window.counts(9_999)).toEqual({ total: 3, failures: 2 });
    expect(window.counts(10_000)).toEqual({ total: 1, failures: 1 });
    expect(window.counts(15_000)).toEqual({ total: 0, failures: 0 });
  });

  it('reuses a bucket once its time has passed', () => {
    const window = createOutcomeWindow(1_000);
    window.record(0, true);
    window.record(1_000, false);
    expect(window.counts(1_000)).toEqual({ total: 1, failures: 0 });
  });

  it('forgets everything on reset', () => {
    const window = createOutcomeWindow(1_000);
    window.record(0, true);
    window.reset();
    expect(window.counts(0)).toEqual({ total: 0, failures: 0 });
  });
});
