import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BreakerConfig,
  type BreakerPermit,
  type BreakerState,
  type BreakerTransition,
  createCircuitBreaker,
} from './circuit-breaker.js';
import type { RequestOutcome } from './failure-codes.js';

type Command =
  | { readonly op: 'acquire'; readonly dt: number }
  | {
      readonly op: 'report';
      readonly index: number;
      readonly outcome: RequestOutcome;
      readonly dt: number;
    }
  | { readonly op: 'cancel'; readonly index: number };

const arbOutcome = (): fc.Arbitrary<RequestOutcome> =>
  fc.oneof(
    fc.constantFrom(200, 500).map((code) => ({ code })),
    fc.constantFrom(201, 404, 409, 429, 503).map((code) => ({ code })),
    fc.constant({ transportError: true as const }),
  );
const arbCommands = () =>
  fc.array(
    fc.oneof(
      fc.record({
        op: fc.constant('acquire' as const),
        dt: fc.oneof(fc.constant(0), fc.nat(3_000)),
      }),
      fc.record({
        op: fc.constant('report' as const),
        index: fc.nat(),
        outcome: arbOutcome(),
        dt: fc.nat(500),
      }),
      fc.record({ op: fc.constant('cancel' as const), index: fc.oneof(fc.constant(-1), fc.nat()) }),
    ),
    { minLength: 20, maxLength: 200, size: 'large' },
  );
const arbConfig = (): fc.Arbitrary<BreakerConfig> =>
  fc
    .record({
      mode: fc.constantFrom(
        'Auto' as const,
        'Auto' as const,
        'ForceOpen' as const,
        'ForceClosed' as const,
      ),
      errorRate: fc.option(
        fc.record({
          percent: fc.integer({ min: 1, max: 100 }),
          windowMs: fc.constantFrom(1_000, 10_000),
          minimumRequests: fc.integer({ min: 1, max: 10 }),
        }),
        { nil: undefined },
      ),
      consecutiveFailures: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
      openMs: fc.constantFrom(0, 1_000, 5_000),
      halfOpenProbes: fc.integer({ min: 1, max: 4 }),
    })
    .map((config) => ({ ...config, failureCodes: ['5xx', '429', 'transport'] }));

const EDGES = new Set(['Closed->Open', 'Open->HalfOpen', 'HalfOpen->Open', 'HalfOpen->Closed']);
const isFailure = (outcome: RequestOutcome) =>
  'transportError' in outcome || outcome.code >= 500 || outcome.code === 429;

/** Runs commands against a breaker with a fake clock and checks every invariant after each. */
const check = (config: BreakerConfig, commands: readonly Command[]) => {
  const transitions: BreakerTransition[] = [];
  const breaker = createCircuitBreaker(config, { onTransition: (t) => transitions.push(t) });
  let now = 0;
  // Permits not yet reported or cancelled, with the number of transitions seen when issued.
  const pending: { permit: BreakerPermit; issuedAfter: number }[] = [];
  let probesOut = 0;
  let probeSuccesses = 0;
  let consecutive = 0;
  const stateNow = (): BreakerState => transitions.at(-1)?.to ?? 'Closed';
  const onTransition = (before: number, cause: 'acquire' | RequestOutcome) => {
    for (let index = before; index < transitions.length; index += 1) {
      const t = transitions[index]!;
      expect(t.from).toBe(transitions[index - 1]?.to ?? 'Closed');
      expect(EDGES.has(`${t.from}->${t.to}`)).toBe(true);
      expect(t.at).toBe(now);
      if (t.to === 'HalfOpen') {
        const opened = transitions[index - 1]!;
        expect(t.at - opened.at).toBeGreaterThanOrEqual(config.openMs);
      }
      if (t.from === 'HalfOpen' && t.to === 'Closed') {
        expect(probeSuccesses).toBe(config.halfOpenProbes);
      }
      if (t.from === 'HalfOpen' && t.to === 'Open') {
        expect(cause !== 'acquire' && isFailure(cause)).toBe(true);
      }
      if (t.from === 'Closed') expect(cause).not.toBe('acquire');
      probesOut = 0;
      probeSuccesses = 0;
      consecutive = 0;
    }
  };
  for (const command of commands) {
    const before = transitions.length;
    if (command.op === 'acquire') {
      now += command.dt;
      const admission = breaker.tryAcquire(now);
      onTransition(before, 'acquire');
      const state = stateNow();
      if (config.mode === 'ForceOpen') expect(admission.admitted).toBe(false);
      else if (config.mode === 'ForceClosed' || state === 'Closed')
        expect(admission.admitted).toBe(true);
      else if (state === 'Open') expect(admission.admitted).toBe(false);
      if (admission.admitted) {
        pending.push({ permit: admission, issuedAfter: transitions.length });
        if (admission.probe) {
          probesOut += 1;
          expect(state).toBe('HalfOpen');
        }
      } else {
        expect(admission.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      }
      // Half-open never admits more than its probes at once, nor beyond the successes it needs.
      if (state === 'HalfOpen') {
        expect(probesOut + probeSuccesses).toBeLessThanOrEqual(config.halfOpenProbes);
      }
    } else if (pending.length > 0) {
      const at = command.index < 0 ? pending.length - 1 : command.index % pending.length;
      const [entry] = pending.splice(at, 1);
      const current = entry!.issuedAfter === transitions.length;
      if (command.op === 'cancel') {
        entry!.permit.cancel();
        if (current && entry!.permit.probe) probesOut -= 1;
        expect(transitions.length).toBe(before);
      } else {
        now += command.dt;
        const stateBefore = stateNow();
        entry!.permit.report(command.outcome, now);
        // A report never moves an open breaker, and a stale one moves nothing.
        if (!current || stateBefore === 'Open') expect(transitions.length).toBe(before);
        if (current && entry!.permit.probe) {
          probesOut -= 1;
          if (!isFailure(command.outcome)) probeSuccesses += 1;
        }
        if (current && !entry!.permit.probe && config.mode === 'Auto') {
          consecutive = isFailure(command.outcome) ? consecutive + 1 : 0;
          const tripped = transitions.length > before;
          if (config.errorRate === undefined && config.consecutiveFailures !== undefined) {
            expect(tripped).toBe(consecutive >= config.consecutiveFailures);
          }
          if (config.errorRate === undefined && config.consecutiveFailures === undefined) {
            expect(tripped).toBe(false);
          }
        }
        onTransition(before, command.outcome);
        // A second report of the same permit changes nothing.
        const after = transitions.length;
        entry!.permit.report({ code: 500 }, now);
        expect(transitions.length).toBe(after);
      }
    }
    // Reading the state may move an open breaker whose time is up: that is checked too.
    const beforeRead = transitions.length;
    const read = breaker.state(now);
    onTransition(beforeRead, 'acquire');
    expect(read).toBe(config.mode === 'ForceOpen' ? 'Open' : stateNow());
  }
  if (config.mode !== 'Auto') expect(transitions).toEqual([]);
};

describe('circuit breaker invariants', () => {
  it('moves only along Closed->Open->HalfOpen->(Closed|Open), for the reasons the design gives', () => {
    fc.assert(fc.property(arbConfig(), arbCommands(), check), { numRuns: 200 });
  });

  it('trips on the error rate exactly when the window holds the minimum and the rate is reached', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.boolean(), { maxLength: 60 }),
        (percent, minimumRequests, failures) => {
          const breaker = createCircuitBreaker({
            mode: 'Auto',
            errorRate: { percent, windowMs: 10_000, minimumRequests },
            failureCodes: ['5xx'],
            openMs: 1_000,
            halfOpenProbes: 1,
          });
          let total = 0;
          let failed = 0;
          for (const failure of failures) {
            const admission = breaker.tryAcquire(0);
            expect(admission.admitted).toBe(true);
            if (!admission.admitted) return;
            admission.report({ code: failure ? 500 : 200 }, 0);
            total += 1;
            failed += failure ? 1 : 0;
            const trips = total >= minimumRequests && failed * 100 >= percent * total;
            expect(breaker.state(0)).toBe(trips ? 'Open' : 'Closed');
            if (trips) return;
          }
        },
      ),
    );
  });

  it('stays open for exactly its open time after any trip, then lets probes through', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.nat({ max: 120_000 }), { maxLength: 20 }),
        (openMs, trippedAt, probes) => {
          const breaker = createCircuitBreaker({
            mode: 'Auto',
            consecutiveFailures: 1,
            failureCodes: ['5xx'],
            openMs,
            halfOpenProbes: 1,
          });
          const first = breaker.tryAcquire(trippedAt);
          if (first.admitted) first.report({ code: 500 }, trippedAt);
          for (const delay of [...probes, openMs - 1, 0]
            .filter((d) => d < openMs)
            .sort((a, b) => a - b)) {
            const answer = breaker.tryAcquire(trippedAt + delay);
            expect(answer).toEqual({
              admitted: false,
              state: 'Open',
              retryAfterSeconds: Math.max(1, Math.ceil((openMs - delay) / 1000)),
            });
          }
          expect(breaker.state(trippedAt + openMs)).toBe('HalfOpen');
        },
      ),
    );
  });
});
