import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@ctrlmesh/runtime-support/testing';
import { decodePolicyState, POLICY_STATE_CONDITION } from '@ctrlmesh/traffic-policy';
import { Pool } from 'undici';
import { describe, expect, it } from 'vitest';
import { faultInjected, policyRejection } from '../observe/channels.js';
import { listen } from '../server/listen.js';
import { cleanupsAfterEach, closeServer } from '../test-support/cleanups.js';
import { aFaultInjection, aTrafficPolicy, policiesFor } from '../test-support/policies.js';
import { PolicyStateReporter } from './policy-state-reporter.js';

const cleanups = cleanupsAfterEach();
const NS = 'ctrlmesh-system';

interface Patch {
  readonly path: string;
  readonly auth: string;
  readonly condition: { type: string; status: string; reason: string; message: string };
}

/** A pretend apiserver that answers every PATCH of pods/status (or fails it) and records it. */
const startApiserver = async () => {
  const patches: Patch[] = [];
  let failing = false;
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      if (failing) {
        res.statusCode = 500;
        res.end('{}');
        return;
      }
      const body = JSON.parse(text) as { status: { conditions: Patch['condition'][] } };
      patches.push({
        path: `${req.method} ${req.url}`,
        auth: req.headers.authorization ?? '',
        condition: body.status.conditions[0] as Patch['condition'],
      });
      res.end('{}');
    });
  });
  const { port } = await listen(server, '127.0.0.1', 0);
  cleanups.push(() => closeServer(server));
  return {
    origin: `http://127.0.0.1:${port}`,
    patches,
    fail: (on: boolean) => {
      failing = on;
    },
  };
};

const policies = () => [
  {
    ...aTrafficPolicy('guard', {
      rateLimits: [{ name: 'writes', qps: 100 }],
      circuitBreakers: [{ name: 'errors', consecutiveFailures: 1, openSeconds: 5 }],
    }),
    metadata: { name: 'guard', namespace: NS, generation: 3 },
  },
  aFaultInjection('chaos', [{ name: 'flaky', probability: 1, abort: { code: 500 } }]),
];

const report = (origin: string, clock: ManualClock) => {
  const pool = new Pool(origin);
  const dir = mkdtempSync(join(tmpdir(), 'policy-state-'));
  writeFileSync(join(dir, 'token'), 'proxy-token\n');
  const store = policiesFor(policies(), { clock });
  const reporter = new PolicyStateReporter(store, {
    pool,
    tokenFile: join(dir, 'token'),
    podName: 'me',
    podNamespace: NS,
    clock,
  });
  const stop = new AbortController();
  const running = reporter.start(stop.signal);
  cleanups.push(async () => {
    stop.abort();
    await running;
    await pool.destroy();
  });
  return { store, reporter, stop, running };
};

const stateOf = (patch: Patch | undefined) => decodePolicyState(patch?.condition.message);
const rule = (patch: Patch | undefined, policy: string, name: string) =>
  stateOf(patch)
    ?.policies.find((p) => p.name === policy)
    ?.rules.find((r) => r.name === name);

describe('PolicyStateReporter', () => {
  it('reports the policies that apply on its own pod at once, with its own token, each at its generation', async () => {
    const api = await startApiserver();
    const clock = new ManualClock(1_700_000_000_000);
    report(api.origin, clock);
    await expect.poll(() => api.patches.length).toBe(1);
    const [patch] = api.patches;
    expect(patch?.path).toBe(`PATCH /api/v1/namespaces/${NS}/pods/me/status`);
    expect(patch?.auth).toBe('Bearer proxy-token');
    expect(patch?.condition).toMatchObject({
      type: POLICY_STATE_CONDITION,
      status: 'True',
      reason: 'Reported',
    });
    expect(stateOf(patch)?.policies).toEqual([
      { kind: 'FaultInjection', name: 'chaos', generation: 0, rules: [{ name: 'flaky' }] },
      {
        kind: 'TrafficPolicy',
        name: 'guard',
        generation: 3,
        rules: [{ name: 'errors', breaker: 'Closed' }, { name: 'writes' }],
      },
    ]);
  });

  it('writes counts at most every interval, a breaker transition within a second, and nothing when nothing changed', async () => {
    const api = await startApiserver();
    const clock = new ManualClock(1_700_000_000_000);
    const { store } = report(api.origin, clock);
    await expect.poll(() => api.patches.length).toBe(1);
    policyRejection.publish({ policy: `${NS}/guard`, rule: 'writes', reason: 'RateLimited' });
    faultInjected.publish({ policy: `${NS}/chaos`, fault: 'flaky', kind: 'abort', code: 500 });
    store.current().admitted.get(`TrafficPolicy/${NS}/guard/writes`)!.count += 4;
    // Nine ticks of a second: the counts wait for the interval.
    for (let i = 0; i < 9; i++) {
      await expect.poll(() => clock.pending).toBe(1);
      await clock.advance(1_000);
    }
    await expect.poll(() => clock.pending).toBe(1);
    expect(api.patches).toHaveLength(1);
    await clock.advance(1_000);
    await expect.poll(() => api.patches.length).toBe(2);
    expect(rule(api.patches[1], 'guard', 'writes')).toEqual({
      name: 'writes',
      admitted: 4,
      rejected: { RateLimited: 1 },
    });
    expect(rule(api.patches[1], 'chaos', 'flaky')).toEqual({
      name: 'flaky',
      injected: { abort: 1 },
    });
    // The breaker opens: written on the next tick, a second later.
    const breaker = store.current().breakers.get(`TrafficPolicy/${NS}/guard/errors`)!;
    const permit = breaker.tryAcquire(clock.now());
    if (permit.admitted) permit.report({ code: 500 }, clock.now());
    await expect.poll(() => clock.pending).toBe(1);
    await clock.advance(1_000);
    await expect.poll(() => api.patches.length).toBe(3);
    expect(rule(api.patches[2], 'guard', 'errors')?.breaker).toBe('Open');
    // Open for five seconds, then half-open: asking moves it, as a request would.
    for (let i = 0; i < 5; i++) {
      await expect.poll(() => clock.pending).toBe(1);
      await clock.advance(1_000);
    }
    await expect.poll(() => api.patches.length).toBe(4);
    expect(rule(api.patches[3], 'guard', 'errors')?.breaker).toBe('HalfOpen');
    for (let i = 0; i < 12; i++) {
      await expect.poll(() => clock.pending).toBe(1);
      await clock.advance(1_000);
    }
    await expect.poll(() => clock.pending).toBe(1);
    expect(api.patches).toHaveLength(4);
  });

  it('retries a failed write with backoff, and stops cleanly while it waits', async () => {
    const api = await startApiserver();
    api.fail(true);
    const clock = new ManualClock(1_700_000_000_000);
    const { stop, running } = report(api.origin, clock);
    await expect.poll(() => clock.waiting).toEqual([1_000]);
    await clock.advance(1_000);
    await expect.poll(() => clock.waiting).toEqual([2_000]);
    api.fail(false);
    await clock.advance(2_000);
    await expect.poll(() => api.patches.length).toBe(1);
    await expect.poll(() => clock.pending).toBe(1);
    stop.abort();
    await running;
    expect(clock.pending).toBe(0);
  });
});
