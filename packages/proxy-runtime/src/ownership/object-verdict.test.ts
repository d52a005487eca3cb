import { describe, expect, it } from 'vitest';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import { makeSnapshot } from '../routes/route-snapshot.js';
import { canarySnapshot, fixtureApp, handoverSnapshot } from '../test-support/exchanges.js';
import { objectVerdict } from './object-verdict.js';

// v2 owns the namespaces labelled ns-type=canary (routes/fixtures/canary-vapp.yaml).
const canaryV2 = canarySnapshot({ app: 'sample', version: 'v2' });
// Subset `a` owns the objects labelled shard=a, wherever they are (sharding-vapp.yaml).
const shardA = makeSnapshot(fixtureApp('sharding-vapp'), { app: 'sharded', shard: 'a' }, 1);
const scope = { group: '', resource: 'configmaps', userAgent: 'test' };
const configMap = (namespace: string, labels: Record<string, string> = {}) => ({
  metadata: { name: 'x', namespace, labels },
});

describe('objectVerdict', () => {
  it('follows a namespace relabelled while the same list or watch is being decided', () => {
    const namespaces = new StaticNamespaceLabels({ team: {} });
    const keep = objectVerdict(canaryV2, namespaces, scope);
    expect(keep(configMap('team'))).toBe(false);
    namespaces.set('team', { 'ns-type': 'canary' });
    expect(keep(configMap('team'))).toBe(true);
    namespaces.set('team', {});
    expect(keep(configMap('team'))).toBe(false);
  });

  it('decides each object on its own labels where an objectSelector applies', () => {
    const keep = objectVerdict(shardA, new StaticNamespaceLabels({ team: {} }), scope);
    expect(keep(configMap('team', { shard: 'a' }))).toBe(true);
    expect(keep(configMap('team', { shard: 'b' }))).toBe(false);
    expect(keep(configMap('team', { shard: 'a' }))).toBe(true);
  });

  it('hides the objects of a namespace it does not know', () => {
    const keep = objectVerdict(canaryV2, new StaticNamespaceLabels({}), scope);
    expect(keep(configMap('gone'))).toBe(false);
  });

  it('hides the objects of a namespace handed over between revisions from every subset until Settled', () => {
    const namespaces = new StaticNamespaceLabels({
      moving: {},
      plain: {},
      lab: { 'ns-type': 'canary' },
    });
    const visible = (snapshot: ReturnType<typeof handoverSnapshot>) => {
      const keep = objectVerdict(snapshot, namespaces, scope);
      return ['moving', 'plain', 'lab'].filter((ns) => keep(configMap(ns)));
    };
    expect(visible(handoverSnapshot({}))).toEqual(['plain']);
    expect(visible(handoverSnapshot({ version: 'v2' }))).toEqual(['lab']);
    expect(visible(handoverSnapshot({}, 'Settled'))).toEqual(['plain']);
    expect(visible(handoverSnapshot({ version: 'v2' }, 'Settled'))).toEqual(['moving', 'lab']);
  });
});
