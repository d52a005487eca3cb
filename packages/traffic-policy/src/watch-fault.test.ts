import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWatchCutter, watchFaultPlan } from './watch-fault.js';

describe('watch faults', () => {
  it('forwards N events and cuts the watch after the last one, with a 410 Expired status', () => {
    const plan = watchFaultPlan({ afterEvents: 2, end: 'Expired' }, 0, 'injected');
    const cutter = createWatchCutter(plan);
    expect([cutter.onEvent(1), cutter.onEvent(2), cutter.onEvent(3)]).toEqual([
      { forward: true, cut: false },
      { forward: true, cut: true },
      { forward: false, cut: true },
    ]);
    expect(plan.status).toMatchObject({
      kind: 'Status',
      code: 410,
      reason: 'Expired',
      message: 'injected',
    });
  });

  it('cuts at the deadline, forwarding nothing that arrives later', () => {
    const cutter = createWatchCutter(
      watchFaultPlan({ afterSeconds: 1.5, end: 'Close' }, 10_000, 'x'),
    );
    expect(cutter.plan.status).toBeUndefined();
    expect(cutter.due(11_499)).toBe(false);
    expect(cutter.onEvent(11_499)).toEqual({ forward: true, cut: false });
    expect(cutter.due(11_500)).toBe(true);
    expect(cutter.onEvent(11_500)).toEqual({ forward: false, cut: true });
  });

  it('never forwards more than afterEvents events, nor any after the deadline', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
        fc.array(fc.nat(10_000), { maxLength: 60 }),
        (afterEvents, afterSeconds, gaps) => {
          const cutter = createWatchCutter(
            watchFaultPlan({ afterEvents, afterSeconds, end: 'Expired' }, 0, 'x'),
          );
          let now = 0;
          let forwarded = 0;
          let cut = false;
          for (const gap of gaps) {
            now += gap;
            const verdict = cutter.onEvent(now);
            if (cut) expect(verdict.forward).toBe(false);
            if (verdict.forward) {
              forwarded += 1;
              if (afterSeconds !== undefined) expect(now).toBeLessThan(afterSeconds * 1000);
            }
            cut ||= verdict.cut;
          }
          if (afterEvents !== undefined) expect(forwarded).toBeLessThanOrEqual(afterEvents);
        },
      ),
    );
  });
});
