import { describe, expect, it } from 'vitest';
import { type CompiledRoutes, compileRoutes } from './compiled-routes.js';
import { decide } from './decision.js';
import { DEFAULT_SUBSET } from './default-subset.js';
import { explain } from './explain.js';
import { dnsLabelProblem } from './label-syntax.js';
import { owner } from './ownership.js';
import { parseVirtualApp } from './parse-virtual-app.js';
import { podSubset } from './pod-subset.js';
import type { Target } from './target.js';

type Spec = Record<string, unknown>;

const routesOf = (spec: Spec): CompiledRoutes => {
  const parsed = parseVirtualApp({
    apiVersion: 'ctrlmesh.io/v1alpha1',
    kind: 'VirtualApp',
    spec: { selector: { matchLabels: { app: 'op' } }, ...spec },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return compileRoutes(parsed.value);
};

const namespaces: Record<string, Record<string, string>> = {
  'canary-a': {},
  lab: { 'ns-type': 'canary-1' },
  default: {},
  'kube-system': { 'ns-type': 'system' },
  'my-canary': {},
};

const pod = (namespace: string, labels: Record<string, string> = {}): Target => ({
  group: '',
  resource: 'pods',
  namespace: { name: namespace, labels: namespaces[namespace] ?? {} },
  objectLabels: labels,
});

const owned = (subset: string) => ({ kind: 'owned', subset });
const excluded = { kind: 'excluded' };

// The example of the original README: v2 gets the canary namespaces, system ones are fenced.
const readmeExample = routesOf({
  route: {
    globalLimits: [
      {
        namespaceSelector: {
          matchExpressions: [{ key: 'ns-type', operator: 'NotIn', values: ['system'] }],
        },
      },
    ],
    subRules: [
      {
        name: 'canary-rule',
        match: [
          { namespaceSelector: { matchLabels: { 'ns-type': 'canary-1' } } },
          { namespaceRegex: '^canary.*' },
        ],
      },
    ],
  },
  subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary-rule'] }],
});

describe('the README example of the original', () => {
  it.each([
    ['canary-a', owned('v2')],
    ['lab', owned('v2')],
    ['default', owned(DEFAULT_SUBSET)],
    ['my-canary', owned(DEFAULT_SUBSET)],
    ['kube-system', excluded],
  ])('gives namespace %s to %j', (namespace, expected) => {
    expect(owner(readmeExample, pod(namespace))).toEqual(expected);
  });

  it('lets the default subset own a namespace no rule has seen yet (the original denied it)', () => {
    expect(owner(readmeExample, pod('brand-new'))).toEqual(owned(DEFAULT_SUBSET));
  });

  it('treats a Namespace as living in itself', () => {
    const namespaceObject = (name: string): Target => ({
      group: '',
      resource: 'namespaces',
      namespace: { name, labels: namespaces[name] ?? {} },
    });
    expect(owner(readmeExample, namespaceObject('canary-a'))).toEqual(owned('v2'));
    expect(owner(readmeExample, namespaceObject('kube-system'))).toEqual(excluded);
    expect(owner(readmeExample, { group: '', resource: 'namespaces' })).toEqual({
      kind: 'dependsOnObject',
      possibleOwners: ['v2', DEFAULT_SUBSET],
      mayBeExcluded: true,
      mayBePublic: false,
    });
  });

  it('decides per subset: allowed for the owner, denied naming the owner for others', () => {
    expect(decide(readmeExample, pod('canary-a'), 'v2')).toEqual({ kind: 'allowed' });
    expect(decide(readmeExample, pod('canary-a'), DEFAULT_SUBSET)).toEqual({
      kind: 'denied',
      owner: 'v2',
    });
    expect(decide(readmeExample, pod('kube-system'), 'v2')).toEqual(excluded);
  });

  it('explains the chain of reasons behind the same answer owner() gives', () => {
    const explanation = explain(readmeExample, pod('canary-a'));
    expect(explanation.ownership).toEqual(owned('v2'));
    expect(explanation.reasons).toEqual([
      'target: core/pods in namespace "canary-a"',
      'global limit spec.route.globalLimits[0] (namespaceSelector "ns-type notin (system)") matches',
      'subset "v2" owns it: sub-rule "canary-rule" entry spec.route.subRules[0].match[1] (namespaceRegex "^canary.*") matches (first matching subset in spec order)',
    ]);
    expect(explain(readmeExample, pod('kube-system')).reasons.at(-1)).toContain(
      'does not match: excluded, no subset sees it',
    );
  });
});

describe('no subsets at all', () => {
  const routes = routesOf({
    route: { globalLimits: [{ namespaceRegex: '^team-' }] },
  });

  it('gives the default subset everything that passes global limits', () => {
    expect(owner(routes, pod('team-x'))).toEqual(owned(DEFAULT_SUBSET));
    expect(owner(routes, pod('default'))).toEqual(excluded);
    expect(owner(routesOf({}), pod('kube-system'))).toEqual(owned(DEFAULT_SUBSET));
  });
});

describe('cluster-scoped targets', () => {
  const node: Target = { group: '', resource: 'nodes', objectLabels: { zone: 'a' } };

  it('ignore the namespace fields of global limits, which fence namespaces only', () => {
    expect(owner(readmeExample, node)).toEqual(owned(DEFAULT_SUBSET));
  });

  it('are never matched by an entry that sets namespace fields', () => {
    const routes = routesOf({
      route: {
        subRules: [
          {
            name: 'all',
            match: [{ namespaceRegex: '.*', resources: [{ apiGroups: ['*'], resources: ['*'] }] }],
          },
        ],
      },
      subsets: [{ name: 'v2', labels: { v: '2' }, routeRules: ['all'] }],
    });
    expect(owner(routes, node)).toEqual(owned(DEFAULT_SUBSET));
    expect(owner(routes, pod('default'))).toEqual(owned('v2'));
  });

  it('can be owned by a subset through a resources-only or object-selector entry', () => {
    const routes = routesOf({
      route: {
        globalLimits: [
          {
            objectSelector: { matchLabels: { zone: 'a' } },
            resources: [{ apiGroups: [''], resources: ['nodes'] }],
          },
        ],
        subRules: [
          { name: 'nodes', match: [{ resources: [{ apiGroups: [''], resources: ['nodes'] }] }] },
        ],
      },
      subsets: [{ name: 'infra', labels: { role: 'infra' }, routeRules: ['nodes'] }],
    });
    expect(owner(routes, node)).toEqual(owned('infra'));
    expect(owner(routes, { ...node, objectLabels: { zone: 'b' } })).toEqual(excluded);
    expect(
      owner(routes, { group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' }),
    ).toEqual(owned(DEFAULT_SUBSET));
  });
});

describe('object-selector subsets (label sharding)', () => {
  const shard = (name: string) => ({
    name,
    match: [{ objectSelector: { matchLabels: { shard: name } } }],
  });
  const routes = routesOf({
    route: { subRules: [shard('a'), shard('b')] },
    subsets: [
      { name: 'shard-a', labels: { shard: 'a' }, routeRules: ['a'] },
      { name: 'shard-b', labels: { shard: 'b' }, routeRules: ['b'] },
    ],
  });

  it('splits objects by their labels, with the default subset taking the rest', () => {
    expect(owner(routes, pod('default', { shard: 'a' }))).toEqual(owned('shard-a'));
    expect(owner(routes, pod('default', { shard: 'b' }))).toEqual(owned('shard-b'));
    expect(owner(routes, pod('default', {}))).toEqual(owned(DEFAULT_SUBSET));
  });

  it('says the answer depends on the object when its labels are not known (a list)', () => {
    const list: Target = {
      group: '',
      resource: 'pods',
      namespace: { name: 'default', labels: {} },
    };
    expect(owner(routes, list)).toEqual({
      kind: 'dependsOnObject',
      possibleOwners: ['shard-a', 'shard-b', DEFAULT_SUBSET],
      mayBeExcluded: false,
      mayBePublic: false,
    });
    expect(decide(routes, list, 'shard-b')).toEqual({ kind: 'dependsOnObject' });
  });

  it('denies outright when a namespace rule settles it before any object selector', () => {
    const mixed = routesOf({
      route: { subRules: [{ name: 'ns', match: [{ namespaceRegex: '^canary' }] }, shard('a')] },
      subsets: [
        { name: 'v2', labels: { v: '2' }, routeRules: ['ns'] },
        { name: 'shard-a', labels: { shard: 'a' }, routeRules: ['a'] },
      ],
    });
    const list: Target = {
      group: '',
      resource: 'pods',
      namespace: { name: 'canary-a', labels: {} },
    };
    expect(owner(mixed, list)).toEqual(owned('v2'));
    expect(decide(mixed, list, 'shard-a')).toEqual({ kind: 'denied', owner: 'v2' });
  });
});

describe('public resources', () => {
  const configmaps = (namespace: string): Target => ({ ...pod(namespace), resource: 'configmaps' });
  const withPublic = (rules: unknown[]) =>
    routesOf({
      route: {
        globalLimits: [
          {
            namespaceSelector: {
              matchExpressions: [{ key: 'ns-type', operator: 'NotIn', values: ['system'] }],
            },
          },
        ],
        subRules: [{ name: 'canary', match: rules }],
        subsetPublicResources: [{ apiGroups: [''], resources: ['configmaps'] }],
      },
      subsets: [{ name: 'v2', labels: { v: '2' }, routeRules: ['canary'] }],
    });

  it('are visible to every subset where global limits allow', () => {
    const routes = withPublic([{ namespaceRegex: '^canary' }]);
    expect(owner(routes, configmaps('canary-a'))).toEqual({ kind: 'public' });
    expect(owner(routes, configmaps('default'))).toEqual({ kind: 'public' });
    expect(owner(routes, configmaps('kube-system'))).toEqual(excluded);
    expect(decide(routes, configmaps('default'), 'v2')).toEqual({ kind: 'allowed' });
    expect(owner(routes, pod('canary-a'))).toEqual(owned('v2'));
  });

  it('stay public when a rule only matches them through a wildcard', () => {
    const routes = withPublic([
      { namespaceRegex: '^canary', resources: [{ apiGroups: ['*'], resources: ['*'] }] },
    ]);
    expect(owner(routes, configmaps('canary-a'))).toEqual({ kind: 'public' });
  });

  it('go to subset rules once a rule names the resource explicitly', () => {
    const routes = withPublic([
      { namespaceRegex: '^canary', resources: [{ apiGroups: [''], resources: ['configmaps'] }] },
    ]);
    expect(owner(routes, configmaps('canary-a'))).toEqual(owned('v2'));
    expect(owner(routes, configmaps('default'))).toEqual(owned(DEFAULT_SUBSET));
  });

  it('explain says why a wildcard rule does not claim a public resource (issue 9)', () => {
    const routes = withPublic([
      { namespaceRegex: '^canary', resources: [{ apiGroups: ['*'], resources: ['*'] }] },
      { objectSelector: { matchLabels: { tier: 'web' } } },
    ]);
    const explanation = explain(routes, configmaps('canary-a'));
    expect(explanation.ownership).toEqual({ kind: 'public' });
    expect(explanation.reasons.slice(2)).toEqual([
      'sub-rule "canary" of subset "v2": entry spec.route.subRules[0].match[0] (namespaceRegex "^canary", resources *:*) covers it only through a wildcard, so it does not claim it',
      'sub-rule "canary" of subset "v2": entry spec.route.subRules[0].match[1] (objectSelector "tier=web") sets no resources, so it does not claim it',
      'it is a public resource (subsetPublicResources) and no subset rule spells it out: every subset sees it; only a pattern that spells the resource out ("configmaps", "configmaps/*") claims a public resource; "*" and "*/status" do not',
    ]);
  });

  it('explain names the entry that spells a public resource out', () => {
    const routes = withPublic([
      { namespaceRegex: '^canary', resources: [{ apiGroups: [''], resources: ['configmaps'] }] },
    ]);
    const explanation = explain(routes, configmaps('canary-a'));
    expect(explanation.ownership).toEqual(owned('v2'));
    expect(explanation.reasons[2]).toBe(
      'it is a public resource, but sub-rule "canary" of subset "v2" spells it out in entry spec.route.subRules[0].match[0] (namespaceRegex "^canary", resources "":configmaps), so subset rules decide',
    );
  });

  it('match subresources only when the pattern says so', () => {
    const routes = withPublic([{ namespaceRegex: '^canary' }]);
    expect(owner(routes, { ...configmaps('default'), subresource: 'status' })).toEqual(
      owned(DEFAULT_SUBSET),
    );
  });
});

describe('resources in match entries', () => {
  const routes = routesOf({
    route: {
      globalLimits: [
        {
          namespaceRegex: '^team-a',
          resources: [{ apiGroups: ['apps'], resources: ['deployments'] }],
        },
      ],
      subRules: [
        { name: 'logs', match: [{ resources: [{ apiGroups: [''], resources: ['pods/log'] }] }] },
        { name: 'canary', match: [{ namespaceRegex: '^canary' }] },
      ],
    },
    subsets: [
      { name: 'logs', labels: { role: 'logs' }, routeRules: ['logs'] },
      { name: 'v2', labels: { v: '2' }, routeRules: ['canary'] },
    ],
  });
  const deployment = (namespace: string): Target => ({
    ...pod(namespace),
    group: 'apps',
    resource: 'deployments',
  });

  it('limit a global limit to the resources it names', () => {
    expect(owner(routes, deployment('team-a1'))).toEqual(owned(DEFAULT_SUBSET));
    expect(owner(routes, deployment('canary-a'))).toEqual(excluded);
    expect(owner(routes, pod('canary-a'))).toEqual(owned('v2'));
  });

  it('are ANDed with the other fields and take the first subset in spec order', () => {
    expect(owner(routes, { ...pod('canary-a'), subresource: 'log' })).toEqual(owned('logs'));
    expect(owner(routes, { ...pod('canary-a'), subresource: 'exec' })).toEqual(owned('v2'));
  });
});

describe('default-only user agents', () => {
  const routes = routesOf({
    route: {
      globalLimits: [{ namespaceRegex: '^(canary|default)' }],
      subRules: [{ name: 'canary', match: [{ namespaceRegex: '^canary' }] }],
      subsetDefaultOnlyUserAgents: ['inventory/v1'],
    },
    subsets: [{ name: 'v2', labels: { v: '2' }, routeRules: ['canary'] }],
  });

  it('are served by the default subset only, within global limits', () => {
    const fromInventory = { ...pod('canary-a'), userAgent: 'inventory/v1' };
    expect(owner(routes, fromInventory)).toEqual(owned(DEFAULT_SUBSET));
    expect(decide(routes, fromInventory, 'v2')).toEqual({ kind: 'denied', owner: DEFAULT_SUBSET });
    expect(owner(routes, { ...pod('lab'), userAgent: 'inventory/v1' })).toEqual(excluded);
    expect(owner(routes, { ...pod('canary-a'), userAgent: 'inventory/v1.1' })).toEqual(owned('v2'));
  });
});

describe('DEFAULT_SUBSET', () => {
  it('can never be the name of a declared subset', () => {
    expect(dnsLabelProblem(DEFAULT_SUBSET)).toBeDefined();
    const parsed = parseVirtualApp({
      apiVersion: 'ctrlmesh.io/v1alpha1',
      kind: 'VirtualApp',
      spec: {
        selector: { matchLabels: { app: 'op' } },
        subsets: [{ name: DEFAULT_SUBSET, labels: { v: '1' } }],
      },
    });
    expect(parsed.ok ? [] : parsed.problems.map((p) => p.path)).toEqual(['spec.subsets[0].name']);
  });
});

describe('podSubset', () => {
  const routes = routesOf({
    subsets: [
      { name: 'v2', labels: { version: 'v2' } },
      { name: 'v2-east', labels: { version: 'v2', zone: 'east' } },
      { name: 'east', labels: { zone: 'east' } },
    ],
  });

  it('puts a pod in the first subset whose labels it all carries', () => {
    expect(podSubset(routes, { version: 'v2', zone: 'east' })).toBe('v2');
    expect(podSubset(routes, { zone: 'east', other: 'x' })).toBe('east');
    expect(podSubset(routes, { version: 'v1' })).toBe(DEFAULT_SUBSET);
    expect(podSubset(routes, {})).toBe(DEFAULT_SUBSET);
  });
});
