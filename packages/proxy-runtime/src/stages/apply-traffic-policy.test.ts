import { Readable } from 'node:stream';
import { ManualClock } from '@ctrlmesh/runtime-support/testing';
import { describe, expect, it } from 'vitest';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import type { Exchange, ProxyResponse } from '../pipeline/exchange.js';
import type { Handler, Stage } from '../pipeline/stage.js';
import { NO_POLICIES, type Policies, StaticPolicies } from '../policies/policy-store.js';
import { UpstreamUnavailableError } from '../status/proxy-error.js';
import { statusFor } from '../status/status-for.js';
import { anExchange, canarySnapshot, cannedTerminal } from '../test-support/exchanges.js';
import { untilDecided } from '../test-support/plan-branches.js';
import { aFaultInjection, aTrafficPolicy, policiesFor } from '../test-support/policies.js';
import { applyTrafficPolicy } from './apply-traffic-policy.js';
import type { Decided } from './decide-ownership.js';

const namespaces = new StaticNamespaceLabels({ plain: {}, lab: { 'ns-type': 'canary' } });
const GET = ['GET', '/api/v1/namespaces/plain/configmaps/x'] as const;
const PUT = ['PUT', '/api/v1/namespaces/plain/configmaps/x'] as const;
const WATCH = ['GET', '/api/v1/namespaces/plain/configmaps?watch=true'] as const;

const through = (policies: Policies, terminal: Handler, clock = new ManualClock()) => {
  const decided: Exchange[] = [];
  const record: Stage<Decided> = (next) => (exchange) => {
    decided.push(exchange);
    return next(exchange);
  };
  const handler = untilDecided(canarySnapshot({ app: 'sample' }), namespaces)
    .use(record)
    .use(applyTrafficPolicy({ policies, namespaces, clock, random: () => 0.5 }))
    .to(terminal);
  return { handler, decided, clock };
};

const outcome = async (answer: Promise<ProxyResponse>) => {
  try {
    return { code: (await answer).status } as const;
  } catch (error) {
    return { code: statusFor(error).status.code, status: statusFor(error).status } as const;
  }
};

// Answers each request with the next code of `codes` (the last one repeats), body streamed.
const answering = (...codes: number[]) => {
  const seen: Exchange[] = [];
  const handler = async (exchange: Exchange): Promise<ProxyResponse> => {
    seen.push(exchange);
    const status = codes[Math.min(seen.length - 1, codes.length - 1)] ?? 200;
    return { status, headers: {}, body: Readable.from([Buffer.from('{}')]) };
  };
  return Object.assign(handler, { seen });
};

describe('applyTrafficPolicy', () => {
  it('hands the very same exchange on when no policy applies, or none matches', async () => {
    for (const policies of [
      new StaticPolicies(NO_POLICIES),
      policiesFor([
        aTrafficPolicy('deletes', {
          rateLimits: [{ name: 'deletes', qps: 1, match: [{ verbs: ['delete'] }] }],
        }),
      ]),
    ]) {
      const terminal = cannedTerminal('{}');
      const { handler, decided } = through(policies, terminal);
      await handler(anExchange(...GET));
      await handler(anExchange(...GET));
      expect(terminal.seen).toEqual(decided);
      expect(terminal.seen[1]).toBe(decided[1]);
    }
  });

  it('answers 429 with Retry-After past a rate limit, and a refused request takes no token', async () => {
    const policies = policiesFor([
      aTrafficPolicy('protect', { rateLimits: [{ name: 'writes', qps: 1, burst: 2 }] }),
    ]);
    const terminal = answering(200);
    const { handler, clock } = through(policies, terminal);
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await outcome(handler(anExchange(...PUT)))).code);
    expect(codes).toEqual([200, 200, 429, 429, 429]);
    const refused = await outcome(handler(anExchange(...PUT)));
    expect(refused.status).toMatchObject({
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 1 },
    });
    expect(refused.status?.message).toContain('TrafficPolicy ctrlmesh-system/protect');
    await clock.advance(1_000);
    expect((await outcome(handler(anExchange(...PUT)))).code).toBe(200);
    expect(terminal.seen).toHaveLength(3);
    // What the rule let through, for the pod's state report (decision 0006).
    expect(
      policies.current().admitted.get('TrafficPolicy/ctrlmesh-system/protect/writes')?.count,
    ).toBe(3);
  });

  it('counts a watch against in-flight only while it opens, a short request until its answer ends', async () => {
    const policies = policiesFor([
      aTrafficPolicy('protect', { rateLimits: [{ name: 'one', maxInFlight: 1 }] }),
    ]);
    const { handler } = through(policies, answering(200));
    const first = await handler(anExchange(...WATCH));
    expect((await outcome(handler(anExchange(...WATCH)))).code).toBe(200);
    const get = await handler(anExchange(...GET));
    expect((await outcome(handler(anExchange(...GET)))).code).toBe(429);
    for await (const _ of get.body as Readable);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await outcome(handler(anExchange(...GET)))).code).toBe(200);
    (first.body as Readable).destroy();
  });

  it('opens a breaker on upstream failures, answers 503 while open, and closes after good probes', async () => {
    const policies = policiesFor([
      aTrafficPolicy('protect', {
        circuitBreakers: [
          { name: 'writes', consecutiveFailures: 2, openSeconds: 5, halfOpenProbes: 1 },
        ],
      }),
    ]);
    const terminal = answering(500, 503, 200);
    const { handler, clock } = through(policies, terminal);
    expect((await outcome(handler(anExchange(...PUT)))).code).toBe(500);
    expect((await outcome(handler(anExchange(...PUT)))).code).toBe(503);
    const open = await outcome(handler(anExchange(...PUT)));
    expect(open.status).toMatchObject({
      code: 503,
      reason: 'ServiceUnavailable',
      details: { retryAfterSeconds: 5 },
    });
    expect(terminal.seen).toHaveLength(2);
    await clock.advance(5_000);
    expect((await outcome(handler(anExchange(...PUT)))).code).toBe(200);
    expect((await outcome(handler(anExchange(...PUT)))).code).toBe(200);
    expect(terminal.seen).toHaveLength(4);
  });

  it("counts transport errors against a breaker, and not the proxy's own refusals", async () => {
    const policies = policiesFor([
      aTrafficPolicy('protect', { circuitBreakers: [{ name: 'all', consecutiveFailures: 2 }] }),
    ]);
    const unavailable = through(policies, async () => {
      throw new UpstreamUnavailableError('connection refused');
    });
    expect((await outcome(unavailable.handler(anExchange(...GET)))).code).toBe(503);
    expect((await outcome(unavailable.handler(anExchange(...GET)))).code).toBe(503);
    const after = through(policies, answering(200));
    expect((await outcome(after.handler(anExchange(...GET)))).status?.message).toContain(
      'circuit breaker "all"',
    );

    const fresh = policiesFor([
      aTrafficPolicy('protect', { circuitBreakers: [{ name: 'all', consecutiveFailures: 1 }] }),
    ]);
    // A write to another subset's namespace is refused by the proxy before it reaches the breaker's upstream.
    const refusing = through(fresh, answering(200));
    for (let i = 0; i < 3; i++)
      expect(
        (await outcome(refusing.handler(anExchange('PUT', '/api/v1/namespaces/lab/configmaps/x'))))
          .code,
      ).toBe(403);
    expect((await outcome(refusing.handler(anExchange(...GET)))).code).toBe(200);
  });

  it('aborts with the Status a fault names, and counts it for breakers', async () => {
    const policies = policiesFor([
      aFaultInjection('chaos', [
        {
          name: 'conflicts',
          probability: 1,
          match: [{ verbs: ['update'] }],
          abort: { code: 409, message: 'injected conflict' },
        },
      ]),
      aTrafficPolicy('protect', {
        circuitBreakers: [{ name: 'all', consecutiveFailures: 2, failureCodes: ['409'] }],
      }),
    ]);
    const terminal = answering(200);
    const { handler } = through(policies, terminal);
    const first = await outcome(handler(anExchange(...PUT)));
    expect(first.status).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'injected conflict',
    });
    await outcome(handler(anExchange(...PUT)));
    expect((await outcome(handler(anExchange(...GET)))).code).toBe(503);
    expect(terminal.seen).toHaveLength(0);
  });

  it('delays a request by the fault, on its clock', async () => {
    const policies = policiesFor([
      aFaultInjection('chaos', [{ name: 'slow', probability: 1, delay: { milliseconds: 300 } }]),
    ]);
    const terminal = answering(200);
    const { handler, clock } = through(policies, terminal);
    const answer = handler(anExchange(...GET));
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.waiting).toEqual([300]);
    expect(terminal.seen).toHaveLength(0);
    await clock.advance(300);
    expect((await answer).status).toBe(200);
  });

  it('sends nothing on when the client leaves during a delay', async () => {
    const policies = policiesFor([
      aFaultInjection('chaos', [{ name: 'slow', probability: 1, delay: { milliseconds: 300 } }]),
    ]);
    const terminal = answering(200);
    const { handler } = through(policies, terminal);
    const client = new AbortController();
    const answer = handler({ ...anExchange(...GET), signal: client.signal });
    client.abort();
    await expect(answer).rejects.toThrow();
    expect(terminal.seen).toHaveLength(0);
  });

  it('leaves watch cuts and slow lists to the filter, on the exchange', async () => {
    const policies = policiesFor([
      aFaultInjection('chaos', [
        { name: 'cut', probability: 1, watch: { afterEvents: 50 } },
        { name: 'slow', probability: 1, slowList: { milliseconds: 10 } },
      ]),
    ]);
    const terminal = answering(200);
    const { handler } = through(policies, terminal);
    await handler(anExchange(...WATCH));
    await handler(anExchange('GET', '/api/v1/namespaces/plain/configmaps'));
    const [watch, list] = terminal.seen as Decided[];
    expect(watch?.streamFaults?.watch).toMatchObject({
      policy: 'ctrlmesh-system/chaos',
      fault: 'cut',
      plan: { afterEvents: 50 },
    });
    expect(watch?.streamFaults?.slowList).toBeUndefined();
    expect(list?.streamFaults?.slowList?.delayFor(5)).toBe(10);
  });
});
