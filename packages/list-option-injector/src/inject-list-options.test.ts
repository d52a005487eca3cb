import {
  type CompiledRoutes,
  compileRoutes,
  DEFAULT_SUBSET,
  matchesLabels,
  parseLabelSelector,
  parseVirtualApp,
  type TargetNamespace,
} from '@ctrlmesh/route-engine';
import { describe, expect, it } from 'vitest';
import { injectListOptions, type ListRequest } from './inject-list-options.js';
import { parseQueryString, readParameter } from './query-string.js';

/** A VirtualApp with the given route and subsets, compiled. */
const routesOf = (route: object, subsets: object[]): CompiledRoutes => {
  const parsed = parseVirtualApp({
    apiVersion: 'ctrlmesh.io/v1alpha1',
    kind: 'VirtualApp',
    metadata: { name: 'app', namespace: 'ops' },
    spec: { selector: { matchLabels: { app: 'ctl' } }, route, subsets },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return compileRoutes(parsed.value);
};

const pods = (scope: ListRequest['scope'], query: string): ListRequest => ({
  group: '',
  resource: 'pods',
  scope,
  query,
});
const inNamespace = (name: string, labels: Record<string, string> = {}) =>
  ({ kind: 'namespace', name, labels }) as const;

/** The label selector the apiserver will apply, parsed. */
const serverLabelSelector = (query: string) => {
  const parsed = parseLabelSelector(readParameter(parseQueryString(query), 'labelSelector') ?? '');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.value;
};

const sharded = routesOf(
  {
    subRules: [
      { name: 'shard-a', match: [{ objectSelector: { matchLabels: { shard: 'a' } } }] },
      {
        name: 'gold',
        match: [{ objectSelector: { matchLabels: { tier: 'gold', region: 'eu' } } }],
      },
    ],
  },
  [
    { name: 'a', labels: { shard: 'a' }, routeRules: ['shard-a'] },
    { name: 'gold', labels: { shard: 'gold' }, routeRules: ['gold'] },
  ],
);

describe('injectListOptions', () => {
  it("keeps an injected shard=a when the client asks for labelSelector=shard=b (issue #3, the original's isolation escape)", () => {
    const result = injectListOptions(
      sharded,
      'a',
      pods(inNamespace('apps'), 'labelSelector=shard%3Db'),
    );
    expect(readParameter(parseQueryString(result.query), 'labelSelector')).toBe('shard=b,shard=a');
    expect(result.exactness).toBe('exact');
    // The original merged label maps with the client's last, so the apiserver saw only shard=b.
    const selector = serverLabelSelector(result.query);
    expect(matchesLabels(selector, { shard: 'b' })).toBe(false);
    expect(matchesLabels(selector, { shard: 'a' })).toBe(false);
  });

  it('adds the subset selector to a query without one, keeping every other parameter as written', () => {
    const result = injectListOptions(
      sharded,
      'a',
      pods(inNamespace('apps'), 'pretty&fieldSelector=metadata.name=foo&limit=500'),
    );
    expect(result).toMatchObject({
      query: 'pretty&fieldSelector=metadata.name=foo&limit=500&labelSelector=shard%3Da',
      exactness: 'exact',
      reasons: [],
    });
    expect(result.injected.labelRequirements).toEqual([
      { key: 'shard', operator: 'Equals', values: ['a'] },
    ]);
  });

  it('gives the default subset the exact complement of a single-requirement selector', () => {
    const result = injectListOptions(
      routesOf(
        {
          subRules: [
            { name: 'shard-a', match: [{ objectSelector: { matchLabels: { shard: 'a' } } }] },
          ],
        },
        [{ name: 'a', labels: { shard: 'a' }, routeRules: ['shard-a'] }],
      ),
      DEFAULT_SUBSET,
      pods(inNamespace('apps'), 'watch=1'),
    );
    expect(result.query).toBe('watch=1&labelSelector=shard%21%3Da');
    expect(result.exactness).toBe('exact');
    expect(matchesLabels(serverLabelSelector(result.query), {})).toBe(true);
  });

  it('does not negate a multi-requirement selector for the default subset, and says superset', () => {
    const result = injectListOptions(sharded, DEFAULT_SUBSET, pods(inNamespace('apps'), 'watch=1'));
    // Default: not shard=a (exact) and not (tier=gold and region=eu) (no single selector).
    expect(readParameter(parseQueryString(result.query), 'labelSelector')).toBe('shard!=a');
    expect(result.exactness).toBe('superset');
  });

  it('leaves the query byte-identical when the subset sees the whole request', () => {
    const routes = routesOf(
      { subRules: [{ name: 'canary', match: [{ namespaceRegex: '^canary-' }] }] },
      [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary'] }],
    );
    const query = 'pretty&labelSelector=app%3Dweb&&fieldSelector=metadata.name=foo&x=%3D';
    const result = injectListOptions(routes, 'v2', pods(inNamespace('canary-1'), query));
    expect(result).toEqual({
      query,
      exactness: 'exact',
      injected: { labelRequirements: [], matchesNothing: false, fieldRequirements: [] },
      reasons: [],
    });
  });

  it('asks for nothing, exactly, in a namespace the subset does not own', () => {
    const routes = routesOf(
      { subRules: [{ name: 'canary', match: [{ namespaceRegex: '^canary-' }] }] },
      [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary'] }],
    );
    const result = injectListOptions(
      routes,
      'v2',
      pods(inNamespace('default'), 'labelSelector=app'),
    );
    expect(result.injected.matchesNothing).toBe(true);
    expect(result.exactness).toBe('exact');
    expect(serverLabelSelector(result.query).kind === 'requirements').toBe(true);
    expect(matchesLabels(serverLabelSelector(result.query), { app: 'x' })).toBe(false);
  });

  it('skips namespaces owned by others or fenced off, across all namespaces, as a superset', () => {
    const routes = routesOf(
      {
        globalLimits: [
          {
            namespaceSelector: {
              matchExpressions: [{ key: 'ns-type', operator: 'NotIn', values: ['system'] }],
            },
          },
        ],
        subRules: [{ name: 'canary', match: [{ namespaceRegex: '^canary-' }] }],
      },
      [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary'] }],
    );
    const namespaces: TargetNamespace[] = [
      { name: 'default', labels: {} },
      { name: 'canary-a', labels: {} },
      { name: 'kube-system', labels: { 'ns-type': 'system' } },
    ];
    const result = injectListOptions(
      routes,
      DEFAULT_SUBSET,
      pods({ kind: 'allNamespaces', namespaces }, 'fieldSelector=spec.nodeName%3Dn1'),
    );
    expect(readParameter(parseQueryString(result.query), 'fieldSelector')).toBe(
      'spec.nodeName=n1,metadata.namespace!=canary-a,metadata.namespace!=kube-system',
    );
    expect(result.exactness).toBe('superset');

    const bounded = injectListOptions(
      routes,
      DEFAULT_SUBSET,
      pods({ kind: 'allNamespaces', namespaces }, 'watch=1'),
      { maxNamespaceExclusions: 1 },
    );
    expect(bounded.query).toBe('watch=1');
    expect(bounded.reasons).toContain('2 namespaces to skip, more than 1');
  });

  it('narrows a list of Namespaces with the namespace selector of their owner', () => {
    const routes = routesOf(
      {
        subRules: [
          { name: 'canary', match: [{ namespaceSelector: { matchLabels: { canary: 'true' } } }] },
        ],
      },
      [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary'] }],
    );
    const result = injectListOptions(routes, 'v2', {
      group: '',
      resource: 'namespaces',
      scope: { kind: 'cluster' },
      query: '',
    });
    expect(result).toMatchObject({ query: 'labelSelector=canary%3Dtrue', exactness: 'exact' });
  });

  it('leaves a client selector that does not parse alone (the apiserver answers 400)', () => {
    const result = injectListOptions(
      sharded,
      'a',
      pods(inNamespace('apps'), 'labelSelector=a%3D%3D%3Db'),
    );
    expect(result.query).toBe('labelSelector=a%3D%3D%3Db');
    expect(result.exactness).toBe('superset');
    expect(result.reasons).toContain("the client's labelSelector does not parse");
  });

  it('replaces an empty client selector rather than appending to it', () => {
    const result = injectListOptions(sharded, 'a', pods(inNamespace('apps'), 'labelSelector=+'));
    expect(result.query).toBe('labelSelector=shard%3Da');
  });

  it('leaves a query the apiserver would not read untouched', () => {
    const query = 'x&'.repeat(10_000);
    const result = injectListOptions(sharded, 'a', pods(inNamespace('apps'), query));
    expect(result.query).toBe(query);
    expect(result.exactness).toBe('superset');
  });

  it('does not push a query past the parameter count Go reads', () => {
    const query = 'x&'.repeat(10_000).slice(0, -1); // exactly the 10000 Go still reads
    const result = injectListOptions(sharded, 'a', pods(inNamespace('apps'), query));
    expect(result.query).toBe(query);
    expect(result.exactness).toBe('superset');
  });

  it('asks for nothing for a default-only user agent on another subset', () => {
    const routes = routesOf(
      {
        subRules: [{ name: 'canary', match: [{ namespaceRegex: '^canary-' }] }],
        subsetDefaultOnlyUserAgents: ['reporter/v1'],
      },
      [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary'] }],
    );
    const result = injectListOptions(routes, 'v2', {
      ...pods(inNamespace('canary-a'), ''),
      userAgent: 'reporter/v1',
    });
    expect(result.injected.matchesNothing).toBe(true);
    // The default subset serves such a client everything the global limits let through.
    const served = injectListOptions(routes, DEFAULT_SUBSET, {
      ...pods(inNamespace('canary-a'), 'watch=1'),
      userAgent: 'reporter/v1',
    });
    expect(served).toMatchObject({ query: 'watch=1', exactness: 'exact' });
  });

  it('injects nothing for a subset the routes do not declare', () => {
    const result = injectListOptions(sharded, 'gone', pods(inNamespace('apps'), 'watch=1'));
    expect(result).toMatchObject({ query: 'watch=1', exactness: 'superset' });
  });
});
