import { ManualClock } from '@ctrlmesh/runtime-support/testing';
import { createTokenBucket } from '@ctrlmesh/traffic-policy';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import { statusFor } from '../status/status-for.js';
import { anExchange, canarySnapshot, cannedTerminal } from '../test-support/exchanges.js';
import { untilDecided } from '../test-support/plan-branches.js';
import { aTrafficPolicy, policiesFor } from '../test-support/policies.js';
import { applyTrafficPolicy } from './apply-traffic-policy.js';

const namespaces = new StaticNamespaceLabels({ plain: {} });

// A request: how long after the one before it arrives, and whether it is a write.
const arbTraffic = fc.array(
  fc.record({ gapMs: fc.integer({ min: 0, max: 400 }), write: fc.boolean() }),
  { maxLength: 60 },
);

describe('applyTrafficPolicy (properties)', () => {
  test.prop([
    arbTraffic,
    fc.double({ min: 0.5, max: 20, noNaN: true }),
    fc.integer({ min: 1, max: 8 }),
  ])(
    'a write limit admits exactly what its bucket alone would, never touches reads, and every refusal says when to retry',
    async (traffic, qps, burst) => {
      const clock = new ManualClock();
      const policies = policiesFor([
        aTrafficPolicy('protect', {
          rateLimits: [{ name: 'writes', qps, burst, match: [{ verbs: ['update'] }] }],
        }),
      ]);
      const terminal = cannedTerminal('{}');
      const handler = untilDecided(canarySnapshot({ app: 'sample' }), namespaces)
        .use(applyTrafficPolicy({ policies, namespaces, clock }))
        .to(terminal);
      // The model: one bucket that sees only the writes; refusals take nothing from it.
      const model = createTokenBucket({ qps, burst });
      let forwarded = 0;
      for (const { gapMs, write } of traffic) {
        await clock.advance(gapMs);
        const method = write ? 'PUT' : 'GET';
        const expected = write ? model.tryAcquire(clock.now()).admitted : true;
        try {
          await handler(anExchange(method, '/api/v1/namespaces/plain/configmaps/x'));
          expect(expected).toBe(true);
          forwarded++;
        } catch (error) {
          const { status } = statusFor(error);
          expect(expected).toBe(false);
          expect(status.code).toBe(429);
          expect(status.details?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        }
        expect(terminal.seen).toHaveLength(forwarded);
      }
    },
  );
});
