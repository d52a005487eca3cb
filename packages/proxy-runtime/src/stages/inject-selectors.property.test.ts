import { parseQueryString, readParameter } from '@ctrlmesh/list-option-injector';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  type VirtualApp,
} from '@ctrlmesh/route-engine';
import { arbLabels, arbVirtualApp, arbWorld } from '@ctrlmesh/route-engine/testing';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { StaticResourceScopes } from '../discovery/resource-scopes.js';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import { objectVerdict } from '../ownership/object-verdict.js';
import { makeStateSnapshot } from '../routes/route-snapshot.js';
import {
  anExchange,
  canaryApp,
  cannedTerminal,
  renamedCanaryApp,
} from '../test-support/exchanges.js';
import { onBranch, untilDecided } from '../test-support/plan-branches.js';
import { injectSelectors } from './inject-selectors.js';

// Injected selectors only narrow what the apiserver sends; the filter decides every item. So under
// any routing state (a handover in either phase, a pod that may move between subsets) the query
// must still select every object the pod may see, or the client would miss objects of its slice.
// Random VirtualApps seldom give a subset anything; the canary app and its edits (a namespace
// handed to v2, the subset renamed) do, in the worlds' namespaces.
const widened = (): VirtualApp => {
  const app = canaryApp();
  const rules = app.spec.route?.subRules ?? [];
  const more = [{ namespaceRegex: '^lab$' }, { namespaceRegex: '^team-x$' }];
  return {
    ...app,
    spec: {
      ...app.spec,
      route: {
        ...app.spec.route,
        subRules: rules.map((r) => ({ ...r, match: [...r.match, ...more] })),
      },
    },
  };
};
const arbApp = fc.oneof(
  arbVirtualApp(),
  fc.constantFrom(canaryApp(), widened(), renamedCanaryApp()),
);
const arbCase = fc.record({
  before: arbApp,
  after: arbApp,
  phase: fc.constantFrom('Revoking' as const, 'Settled' as const),
  handover: fc.boolean(),
  world: arbWorld(),
  pick: fc.nat(),
  objects: fc.array(fc.record({ at: fc.nat(), labels: arbLabels() }), {
    minLength: 1,
    maxLength: 12,
  }),
  namespaced: fc.boolean(),
});

describe('injectSelectors under a routing state', () => {
  test.prop([arbCase], { numRuns: 400 })(
    'selects every object the pod may see',
    async ({ before, after, phase, handover, world, pick, objects, namespaced }) => {
      const subsets = [...(before.spec.subsets ?? []), ...(after.spec.subsets ?? [])];
      const podLabels = Object.assign(
        {},
        ...subsets.filter((_, i) => (pick >> i) & 1).map((s) => s.labels),
      );
      const snapshot = makeStateSnapshot(
        {
          phase,
          current: { app: after, name: 'after' },
          ...(handover ? { previous: { app: before, name: 'before' } } : {}),
        },
        podLabels,
        1,
      );
      const namespaces = new StaticNamespaceLabels(
        Object.fromEntries(world.namespaces.map((n) => [n.name, n.labels])),
      );
      const home = world.namespaces[pick % world.namespaces.length]!.name;
      const terminal = cannedTerminal('{}');
      const path = namespaced ? `/api/v1/namespaces/${home}/configmaps` : '/api/v1/configmaps';
      await untilDecided(snapshot, namespaces).to(
        onBranch(
          'filter',
          injectSelectors({ namespaces, scopes: new StaticResourceScopes({ configmaps: true }) }),
          terminal,
        ),
      )(anExchange('GET', path));
      const query = parseQueryString(terminal.seen[0]?.request.query ?? '');
      const labels = parseLabelSelector(readParameter(query, 'labelSelector') ?? '');
      const fields = parseFieldSelector(readParameter(query, 'fieldSelector') ?? '');
      expect(labels.ok && fields.ok).toBe(true);
      if (!labels.ok || !fields.ok) return;
      const keep = objectVerdict(snapshot, namespaces, {
        group: '',
        resource: 'configmaps',
        userAgent: '',
      });
      for (const [i, { at, labels: objectLabels }] of objects.entries()) {
        const namespace = namespaced ? home : world.namespaces[at % world.namespaces.length]!.name;
        const object = { metadata: { name: `cm-${i}`, namespace, labels: objectLabels } };
        if (!(await keep(object))) continue;
        expect(matchesLabels(labels.value, objectLabels)).toBe(true);
        expect(
          matchesFields(fields.value, {
            'metadata.name': `cm-${i}`,
            'metadata.namespace': namespace,
          }),
        ).toBe(true);
      }
    },
  );
});
