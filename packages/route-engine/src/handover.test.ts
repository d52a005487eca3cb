import { describe, expect, it } from 'vitest';
import { type CompiledRoutes, compileRoutes } from './compiled-routes.js';
import { DEFAULT_SUBSET } from './default-subset.js';
import { explainHandover } from './explain-handover.js';
import { agreedOwnership, handoverDecide, handoverOwner, type RoutingState } from './handover.js';
import type { Ownership } from './ownership.js';
import { aTarget, aVirtualApp } from './testing/index.js';
import type { VirtualApp } from './virtual-app.js';

const routesOf = (spec: Partial<VirtualApp['spec']>): CompiledRoutes =>
  compileRoutes(aVirtualApp(spec));

const systemFenced = {
  namespaceSelector: {
    matchExpressions: [{ key: 'ns-type', operator: 'NotIn' as const, values: ['system'] }],
  },
};

// Revision "a": v2 owns the canary namespaces; ConfigMaps and Secrets are public; system
// namespaces are fenced.
const revisionA = routesOf({
  route: {
    globalLimits: [systemFenced],
    subRules: [{ name: 'canary', match: [{ namespaceRegex: '^canary' }] }],
    subsetPublicResources: [{ apiGroups: [''], resources: ['configmaps', 'secrets'] }],
  },
  subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary'] }],
});

// Revision "b": v2 also gets the beta namespaces, Secrets are no longer public, and the system
// namespaces are no longer fenced.
const revisionB = routesOf({
  route: {
    subRules: [{ name: 'canary', match: [{ namespaceRegex: '^(canary|beta)' }] }],
    subsetPublicResources: [{ apiGroups: [''], resources: ['configmaps'] }],
  },
  subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary'] }],
});

const revoking: RoutingState = {
  phase: 'Revoking',
  previous: revisionA,
  current: revisionB,
  previousRevision: 'op-a',
  currentRevision: 'op-b',
};
const settled: RoutingState = { phase: 'Settled', previous: revisionA, current: revisionB };

const inNamespace = (namespace: string, resource = 'pods', labels: Record<string, string> = {}) =>
  aTarget({ resource, namespace: { name: namespace, labels } });

const owned = (subset: string): Ownership => ({ kind: 'owned', subset });
const PUBLIC: Ownership = { kind: 'public' };
const EXCLUDED: Ownership = { kind: 'excluded' };

describe('agreedOwnership (the Revoking rule)', () => {
  it('keeps an owner, public or excluded on which both revisions agree', () => {
    expect(agreedOwnership(owned('v2'), owned('v2'))).toEqual(owned('v2'));
    expect(agreedOwnership(PUBLIC, PUBLIC)).toEqual(PUBLIC);
    expect(agreedOwnership(EXCLUDED, EXCLUDED)).toEqual(EXCLUDED);
  });

  it('leaves a target that moves between subsets without an owner, never with two', () => {
    expect(agreedOwnership(owned(DEFAULT_SUBSET), owned('v2'))).toEqual({
      kind: 'revoked',
      previous: owned(DEFAULT_SUBSET),
      current: owned('v2'),
    });
  });

  it('treats public as owned by every subset, so it never passes straight to one owner', () => {
    expect(agreedOwnership(PUBLIC, owned('v2')).kind).toBe('revoked');
    expect(agreedOwnership(owned('v2'), PUBLIC).kind).toBe('revoked');
  });

  it('gives no owner to a target that enters or leaves the global limits', () => {
    expect(agreedOwnership(EXCLUDED, owned('v2')).kind).toBe('revoked');
    expect(agreedOwnership(owned('v2'), EXCLUDED).kind).toBe('revoked');
    expect(agreedOwnership(EXCLUDED, PUBLIC).kind).toBe('revoked');
  });

  it('keeps only the outcomes both revisions allow when the object labels are not known', () => {
    const shards: Ownership = {
      kind: 'dependsOnObject',
      possibleOwners: ['shard-a', 'shard-b', DEFAULT_SUBSET],
      mayBeExcluded: false,
      mayBePublic: false,
    };
    expect(agreedOwnership(shards, owned('shard-b'))).toEqual({
      kind: 'dependsOnObject',
      possibleOwners: ['shard-b'],
      mayBeExcluded: false,
      mayBePublic: false,
      mayBeRevoked: true,
    });
    expect(agreedOwnership(shards, owned('v3'))).toEqual({
      kind: 'revoked',
      previous: shards,
      current: owned('v3'),
    });
  });
});

describe('handoverOwner', () => {
  it('keeps the owner of a target both revisions give to the same subset', () => {
    expect(handoverOwner(revoking, inNamespace('canary-1'))).toEqual(owned('v2'));
    expect(handoverOwner(revoking, inNamespace('default'))).toEqual(owned(DEFAULT_SUBSET));
  });

  it('gives a target that moves to another subset no owner while Revoking, then the new one', () => {
    expect(handoverOwner(revoking, inNamespace('beta-1')).kind).toBe('revoked');
    expect(handoverOwner(settled, inNamespace('beta-1'))).toEqual(owned('v2'));
  });

  it('keeps a public resource public only while both revisions make it public', () => {
    expect(handoverOwner(revoking, inNamespace('default', 'configmaps'))).toEqual(PUBLIC);
    expect(handoverOwner(revoking, inNamespace('default', 'secrets')).kind).toBe('revoked');
    expect(handoverOwner(settled, inNamespace('default', 'secrets'))).toEqual(
      owned(DEFAULT_SUBSET),
    );
  });

  it('opens a namespace that leaves the global limits only once Settled', () => {
    const system = inNamespace('kube-system', 'pods', { 'ns-type': 'system' });
    expect(handoverOwner({ ...revoking, current: revisionA }, system)).toEqual(EXCLUDED);
    expect(handoverOwner(revoking, system).kind).toBe('revoked');
    expect(handoverOwner(settled, system)).toEqual(owned(DEFAULT_SUBSET));
  });

  it('uses the current revision alone on the first publication', () => {
    const first: RoutingState = { phase: 'Revoking', current: revisionB };
    expect(handoverOwner(first, inNamespace('beta-1'))).toEqual(owned('v2'));
  });
});

describe('handoverDecide', () => {
  it('lets no subset see a target in handover, old owner and new owner alike', () => {
    for (const subset of ['v2', DEFAULT_SUBSET]) {
      expect(handoverDecide(revoking, inNamespace('beta-1'), subset)).toEqual({
        kind: 'revoked',
        previous: owned(DEFAULT_SUBSET),
        current: owned('v2'),
      });
    }
  });

  it('decides as decide does where the revisions agree', () => {
    expect(handoverDecide(revoking, inNamespace('canary-1'), 'v2')).toEqual({ kind: 'allowed' });
    expect(handoverDecide(revoking, inNamespace('canary-1'), DEFAULT_SUBSET)).toEqual({
      kind: 'denied',
      owner: 'v2',
    });
  });

  it('asks to decide per object for a list that some objects of this subset survive', () => {
    const before = routesOf({
      route: {
        subRules: [{ name: 'b', match: [{ objectSelector: { matchLabels: { s: 'b' } } }] }],
      },
      subsets: [{ name: 'shard-b', labels: { s: 'b' }, routeRules: ['b'] }],
    });
    const after = routesOf({
      route: {
        subRules: [
          { name: 'b', match: [{ objectSelector: { matchLabels: { s: 'b' } } }] },
          { name: 'c', match: [{ objectSelector: { matchLabels: { s: 'c' } } }] },
        ],
      },
      subsets: [
        { name: 'shard-b', labels: { s: 'b' }, routeRules: ['b'] },
        { name: 'shard-c', labels: { s: 'c' }, routeRules: ['c'] },
      ],
    });
    const state: RoutingState = { phase: 'Revoking', previous: before, current: after };
    const { objectLabels: _, ...list } = inNamespace('default', 'configmaps');
    expect(handoverDecide(state, list, 'shard-b')).toEqual({ kind: 'dependsOnObject' });
    expect(handoverDecide(state, list, 'shard-c')).toEqual({ kind: 'denied', owner: 'shard-b' });
    // Per object it is settled: shard-c's objects are in handover, shard-b's are not.
    expect(handoverDecide(state, { ...list, objectLabels: { s: 'c' } }, 'shard-c').kind).toBe(
      'revoked',
    );
    expect(handoverDecide(state, { ...list, objectLabels: { s: 'b' } }, 'shard-b').kind).toBe(
      'allowed',
    );
  });
});

describe('explainHandover', () => {
  it('says which revision says what, and that the target has no owner until Settled', () => {
    const { ownership, reasons } = explainHandover(revoking, inNamespace('beta-1'));
    expect(ownership).toEqual(handoverOwner(revoking, inNamespace('beta-1')));
    expect(reasons[0]).toBe('target: core/pods in namespace "beta-1"');
    expect(reasons[1]).toBe(
      'phase Revoking: a target keeps its owner only where revision "op-a" and revision "op-b" agree',
    );
    expect(reasons).toContain(
      'revision "op-b": subset "v2" owns it: sub-rule "canary" entry spec.route.subRules[0].match[0] (namespaceRegex "^(canary|beta)") matches (first matching subset in spec order)',
    );
    expect(reasons.at(-1)).toBe(
      'handover: revision "op-a" says subset "(default)" owns it, revision "op-b" says subset "v2" owns it: no owner until Settled',
    );
  });

  it('says why a public target that gets one owner has none while Revoking', () => {
    const { reasons } = explainHandover(revoking, inNamespace('default', 'secrets'));
    expect(reasons.at(-1)).toBe(
      'handover: revision "op-a" says it is public, revision "op-b" says subset "(default)" owns it: no owner until Settled (a public target is seen by every subset, so it counts as owned by all of them)',
    );
  });

  it('says when both revisions agree', () => {
    const { reasons } = explainHandover(revoking, inNamespace('canary-1'));
    expect(reasons.at(-1)).toBe(
      'handover: revision "op-a" and revision "op-b" agree: subset "v2" owns it',
    );
  });

  it('says that the current revision alone decides once Settled', () => {
    const { ownership, reasons } = explainHandover(settled, inNamespace('beta-1'));
    expect(ownership).toEqual(owned('v2'));
    expect(reasons[1]).toBe('phase Settled: the current revision alone decides');
  });
});
