import { describe, expect, it } from 'vitest';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import type { RouteSnapshot } from '../routes/route-snapshot.js';
import { makeSnapshot } from '../routes/route-snapshot.js';
import { statusFor } from '../status/status-for.js';
import {
  anExchange,
  canaryApp,
  canarySnapshot,
  cannedTerminal,
  handoverSnapshot,
  REVISION_AFTER,
  REVISION_BEFORE,
  renamedCanaryApp,
} from '../test-support/exchanges.js';
import { untilDecided } from '../test-support/plan-branches.js';
import type { Decided } from './decide-ownership.js';

const namespaces = new StaticNamespaceLabels({
  'canary-a': {},
  lab: { 'ns-type': 'canary' },
  plain: {},
  'kube-system': { 'ns-type': 'system' },
});

const pipeline = (snapshot: RouteSnapshot | undefined) => {
  const terminal = cannedTerminal('{}');
  const handler = untilDecided(snapshot, namespaces).to(terminal);
  return { handler, terminal };
};

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return statusFor(error).status;
  }
  throw new Error('expected a failure');
};

const v1 = canarySnapshot({ app: 'sample' });
const v2 = canarySnapshot({ app: 'sample', version: 'v2' });

describe('decideOwnership', () => {
  it('forwards reads and writes in its own slice', async () => {
    const { handler, terminal } = pipeline(v1);
    await handler(anExchange('GET', '/api/v1/namespaces/plain/configmaps/x'));
    await handler(anExchange('PUT', '/api/v1/namespaces/plain/configmaps/x'));
    expect(terminal.seen.map((e) => (e as Decided).plan.kind)).toEqual(['forward', 'forward']);
  });

  it('counts a public resource as public, an own one as owned (issue 13)', async () => {
    const app = canaryApp();
    const route = {
      ...app.spec.route,
      subsetPublicResources: [{ apiGroups: [''], resources: ['secrets'] }],
    };
    const { handler } = pipeline(makeSnapshot({ ...app, spec: { ...app.spec, route } }, {}, 1));
    const secret = anExchange('GET', '/api/v1/namespaces/canary-a/secrets/x');
    const own = anExchange('GET', '/api/v1/namespaces/plain/configmaps/x');
    await handler(secret);
    await handler(own);
    expect([secret.report.decision, own.report.decision]).toEqual(['public', 'owned']);
  });

  it('refuses a read outside the slice with 403 naming the owner', async () => {
    const { handler, terminal } = pipeline(v1);
    const status = await failure(
      handler(anExchange('GET', '/api/v1/namespaces/canary-a/configmaps/x')),
    );
    expect(status).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(status.message).toContain('belongs to subset "v2"; this pod serves the default subset');
    expect(terminal.seen).toHaveLength(0);
  });

  it('decides namespaces by their labels, not only their names', async () => {
    const { handler } = pipeline(v2);
    await handler(anExchange('DELETE', '/api/v1/namespaces/lab/configmaps/x'));
    const status = await failure(
      handler(anExchange('PATCH', '/api/v1/namespaces/plain/configmaps/x')),
    );
    expect(status.message).toContain('belongs to the default subset; this pod serves subset "v2"');
  });

  it('refuses excluded namespaces with 403 for every subset', async () => {
    for (const snapshot of [v1, v2]) {
      const { handler } = pipeline(snapshot);
      const status = await failure(
        handler(anExchange('POST', '/api/v1/namespaces/kube-system/configmaps')),
      );
      expect(status).toMatchObject({ code: 403 });
      expect(status.message).toContain('excluded by the VirtualApp');
    }
  });

  it('filters lists and watches instead of refusing them', async () => {
    const { handler, terminal } = pipeline(v1);
    await handler(anExchange('GET', '/api/v1/namespaces/canary-a/configmaps'));
    await handler(anExchange('GET', '/api/v1/configmaps?watch=true'));
    expect(terminal.seen.map((e) => (e as Decided).plan.kind)).toEqual(['filter', 'filter']);
  });

  it('passes discovery and other non-resource paths through', async () => {
    const { handler, terminal } = pipeline(v1);
    await handler(anExchange('GET', '/apis/apps/v1'));
    await handler(anExchange('GET', '/version'));
    expect(terminal.seen.map((e) => (e as Decided).plan.kind)).toEqual([
      'passthrough',
      'passthrough',
    ]);
  });

  it('fails closed with 503 when no routes are known', async () => {
    const { handler } = pipeline(undefined);
    expect(
      await failure(handler(anExchange('GET', '/api/v1/namespaces/plain/configmaps/x'))),
    ).toMatchObject({
      code: 503,
      reason: 'ServiceUnavailable',
    });
    await handler(anExchange('GET', '/version'));
  });

  it('refuses a path the apiserver might read differently', async () => {
    const { handler } = pipeline(v1);
    expect(
      await failure(
        handler(anExchange('GET', '/api/v1/namespaces/plain/../canary-a/configmaps/x')),
      ),
    ).toMatchObject({
      code: 400,
    });
  });

  describe('during a handover (Revoking)', () => {
    const handoverNamespaces = new StaticNamespaceLabels({ moving: {}, plain: {}, lab: {} });
    const during = (snapshot: RouteSnapshot) => {
      const terminal = cannedTerminal('{}');
      return { handler: untilDecided(snapshot, handoverNamespaces).to(terminal), terminal };
    };

    it('refuses gets and writes of a target that moves, for both subsets, naming both revisions', async () => {
      for (const podLabels of [{}, { version: 'v2' }] as Record<string, string>[]) {
        const { handler } = during(handoverSnapshot(podLabels));
        for (const method of ['GET', 'PUT', 'DELETE']) {
          const status = await failure(
            handler(anExchange(method, '/api/v1/namespaces/moving/configmaps/x')),
          );
          expect(status.code).toBe(403);
          expect(status.reason).toBe('Forbidden');
          expect(status.message).toContain(
            `being handed over between revisions ${REVISION_BEFORE} and ${REVISION_AFTER}`,
          );
        }
      }
    });

    it('still forwards what both revisions give the same owner, and filters lists', async () => {
      const { handler, terminal } = during(handoverSnapshot({}));
      await handler(anExchange('GET', '/api/v1/namespaces/plain/configmaps/x'));
      await handler(anExchange('GET', '/api/v1/namespaces/moving/configmaps'));
      expect(terminal.seen.map((e) => (e as Decided).plan.kind)).toEqual(['forward', 'filter']);
    });

    it('hands the target over once Settled', async () => {
      const { handler, terminal } = during(handoverSnapshot({ version: 'v2' }, 'Settled'));
      await handler(anExchange('GET', '/api/v1/namespaces/moving/configmaps/x'));
      expect(terminal.seen.map((e) => (e as Decided).plan.kind)).toEqual(['forward']);
      const before = during(handoverSnapshot({}, 'Settled'));
      const status = await failure(
        before.handler(anExchange('GET', '/api/v1/namespaces/moving/configmaps/x')),
      );
      expect(status.message).toContain('belongs to subset "v2"');
    });

    it('gives a pod whose subset moves nothing but public resources', async () => {
      const { handler } = during(
        handoverSnapshot({ version: 'v2' }, 'Revoking', renamedCanaryApp()),
      );
      const status = await failure(
        handler(anExchange('GET', '/api/v1/namespaces/plain/configmaps/x')),
      );
      expect(status.code).toBe(403);
      expect(status.message).toContain('no subset while its own subset is handed over');
    });
  });
});
