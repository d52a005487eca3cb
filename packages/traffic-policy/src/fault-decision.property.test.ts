import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFault, createFaultInjector, decideFault } from './fault-decision.js';
import { aFaultInjection } from './test-support/policies.js';
import { seededRandom } from './test-support/seeded-random.js';

const planWith = (fault: Record<string, unknown>) =>
  compileFault(
    aFaultInjection({ faults: [{ name: 'f', abort: { code: 500 }, ...fault }] }).spec.faults[0]!,
    'FaultInjection ops/chaos fault f',
  );
// Draws in [0, 1), with the edge 0 (where `<=` and `<` differ) drawn often.
const arbUnit = () =>
  fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }));

describe('fault decision invariants', () => {
  it('never fires with probability 0, whatever the draw, time or count', () => {
    const plan = planWith({ probability: 0 });
    fc.assert(
      fc.property(arbUnit(), fc.integer(), fc.nat(), (draw, now, fired) => {
        expect(decideFault(plan, { now, random: () => draw, fired }).kind).toBe('none');
      }),
    );
  });

  it('always fires with probability 1 inside its windows and under its count', () => {
    const plan = planWith({ probability: 1, maxCount: 1_000 });
    fc.assert(
      fc.property(arbUnit(), fc.integer(), fc.nat(999), (draw, now, fired) => {
        expect(decideFault(plan, { now, random: () => draw, fired }).kind).toBe('abort');
      }),
    );
  });

  it('fires at a rate within five standard deviations of the binomial mean', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 100, max: 3_000 }),
        fc.integer(),
        (probability, n, seed) => {
          const injector = createFaultInjector(planWith({ probability }));
          const random = seededRandom(seed);
          for (let i = 0; i < n; i += 1) injector.decide(0, random);
          const mean = n * probability;
          const deviation = Math.sqrt(n * probability * (1 - probability));
          // +1: the count is a whole number, so a mean of 0.4 may show as 1.
          expect(Math.abs(injector.fired() - mean)).toBeLessThanOrEqual(5 * deviation + 1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never fires more than maxCount times', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer(),
        (maxCount, probability, n, seed) => {
          const injector = createFaultInjector(planWith({ probability, maxCount }));
          const random = seededRandom(seed);
          for (let i = 0; i < n; i += 1) injector.decide(0, random);
          expect(injector.fired()).toBeLessThanOrEqual(maxCount);
          if (probability === 1) expect(injector.fired()).toBe(Math.min(n, maxCount));
        },
      ),
    );
  });

  it('never fires outside its windows', () => {
    const start = Date.parse('2026-12-04T10:00:00Z');
    const end = Date.parse('2026-12-04T11:00:00Z');
    const plan = planWith({
      probability: 1,
      windows: [{ start: '2026-12-04T10:00:00Z', end: '2026-12-04T11:00:00Z' }],
    });
    fc.assert(
      fc.property(fc.integer({ min: start - 86_400_000, max: end + 86_400_000 }), (now) => {
        const fired = decideFault(plan, { now, random: () => 0, fired: 0 }).kind !== 'none';
        expect(fired).toBe(now >= start && now < end);
      }),
    );
  });

  it('draws a ranged delay within its bounds', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(10_000), arbUnit(), (a, b, draw) => {
        const [min, max] = a <= b ? [a, b] : [b, a];
        const plan = planWith({
          probability: 1,
          abort: undefined,
          delay: { minMilliseconds: min, maxMilliseconds: max },
        });
        const decision = decideFault(plan, { now: 0, random: () => draw, fired: 0 });
        expect(
          decision.kind === 'delay' && decision.delayMs >= min && decision.delayMs <= max,
        ).toBe(true);
      }),
    );
  });
});
