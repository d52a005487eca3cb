import { compileRoutes, parseVirtualApp } from '@ctrlmesh/route-engine';
import { describe, expect, it } from 'vitest';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import type { RouteSnapshot } from '../routes/route-snapshot.js';
import { objectVerdict } from './object-verdict.js';

const parsed = parseVirtualApp({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'VirtualApp',
  metadata: { name: 'sample', namespace: 'home' },
  spec: {
    selector: { matchLabels: { app: 'sample' } },
    route: {
      subRules: [
        {
          name: 'canary',
          match: [{ namespaceSelector: { matchLabels: { 'ns-type': 'canary' } } }],
        },
        { name: 'shard', match: [{ objectSelector: { matchLabels: { shard: 'b' } } }] },
      ],
    },
    subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary', 'shard'] }],
  },
});
if (!parsed.ok) throw new Error('fixture does not parse');
const snapshot: RouteSnapshot = {
  version: 't',
  generation: 1,
  app: parsed.value,
  routes: compileRoutes(parsed.value),
  subset: 'v2',
  leaderElectionName: undefined,
  userAgentOrPrefix: undefined,
};
const scope = { group: '', resource: 'configmaps', userAgent: 'test' };
const configMap = (namespace: string, labels: Record<string, string> = {}) => ({
  metadata: { name: 'x', namespace, labels },
});

describe('objectVerdict', () => {
  it('follows a namespace relabelled while the same list or watch is being decided', () => {
    const namespaces = new StaticNamespaceLabels({ team: {} });
    const keep = objectVerdict(snapshot, namespaces, scope);
    expect(keep(configMap('team'))).toBe(false);
    namespaces.set('team', { 'ns-type': 'canary' });
    expect(keep(configMap('team'))).toBe(true);
    namespaces.set('team', {});
    expect(keep(configMap('team'))).toBe(false);
  });

  it('decides each object on its own labels where an objectSelector applies', () => {
    const keep = objectVerdict(snapshot, new StaticNamespaceLabels({ team: {} }), scope);
    expect(keep(configMap('team', { shard: 'b' }))).toBe(true);
    expect(keep(configMap('team', { shard: 'a' }))).toBe(false);
    expect(keep(configMap('team', { shard: 'b' }))).toBe(true);
  });

  it('hides the objects of a namespace it does not know', () => {
    const keep = objectVerdict(snapshot, new StaticNamespaceLabels({}), scope);
    expect(keep(configMap('gone'))).toBe(false);
  });
});
