import {
  type CompiledRoutes,
  compileRoutes,
  DEFAULT_SUBSET,
  formatFieldSelector,
  formatLabelSelector,
  type Labels,
  parseVirtualApp,
  type Target,
  type TargetNamespace,
  type VirtualApp,
} from '@ctrlmesh/route-engine';
import {
  arbLabelRequirement,
  arbLabels,
  arbStructuredSelector,
  arbVirtualApp,
  arbWorld,
  aVirtualApp,
  vocabulary,
  type World,
} from '@ctrlmesh/route-engine/testing';
import { fc } from '@fast-check/vitest';
import type { ListRequest, ListScope } from '../inject-list-options.js';

/** An object of a random world, named so that field selectors have something to match. */
export interface WorldObject {
  /** The object as route-engine sees it, without a user agent (that is the request's). */
  readonly target: Target;
  readonly name: string;
  /** Its labels; a Namespace's are its own namespace labels. */
  readonly labels: Labels;
}

/** Routes, the subset asking, its request (query aside) and the world it asks about. */
export interface Scenario {
  readonly routes: CompiledRoutes;
  readonly subset: string;
  readonly request: Omit<ListRequest, 'query'>;
  readonly objects: readonly WorldObject[];
}

/** What can be listed: no subresources. */
const NAMESPACED = vocabulary.NAMESPACED_RESOURCES.filter((r) => !('subresource' in r));
const CLUSTER = vocabulary.CLUSTER_RESOURCES;
const arbListable = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NAMESPACED) },
  { weight: 1, arbitrary: fc.constantFrom(...CLUSTER) },
  { weight: 1, arbitrary: fc.constant({ group: '', resource: 'namespaces' }) },
);
const DEFAULT_ONLY_AGENT = vocabulary.USER_AGENTS[0];

/** One entry per sub-rule and one sub-rule per subset: the shape of sharding and canaries. */
const arbFocusedApp = (arbEntry: fc.Arbitrary<object>): fc.Arbitrary<VirtualApp> =>
  fc
    .record({
      entries: fc.array(arbEntry, { minLength: 1, maxLength: 3 }),
      defaultOnly: fc.boolean(),
    })
    .map(({ entries, defaultOnly }) => {
      const parsed = parseVirtualApp({
        ...aVirtualApp(),
        spec: {
          ...aVirtualApp().spec,
          route: {
            subRules: entries.map((entry, index) => ({ name: `rule-${index}`, match: [entry] })),
            subsetDefaultOnlyUserAgents: defaultOnly ? [DEFAULT_ONLY_AGENT] : [],
          },
          subsets: entries.map((_, index) => ({
            name: `subset-${index}`,
            labels: { subset: `${index}` },
            routeRules: [`rule-${index}`],
          })),
        },
      });
      if (!parsed.ok) throw new Error(`invalid VirtualApp: ${JSON.stringify(parsed.problems)}`);
      return parsed.value;
    });

/** Which VirtualApps a scenario draws. */
export type AppShape = 'any' | 'sharding' | 'canary';

const APPS: Record<AppShape, () => fc.Arbitrary<VirtualApp>> = {
  any: arbVirtualApp,
  // Object-label shards: the default subset's negations meet the client's own label selectors.
  sharding: () => arbFocusedApp(fc.record({ objectSelector: arbStructuredSelector() })),
  // Namespace canaries: namespace labels the proxy may not know, regexes, Namespace objects.
  canary: () =>
    arbFocusedApp(
      fc.oneof(
        fc.record({ namespaceSelector: arbStructuredSelector() }),
        fc.record({ namespaceRegex: fc.constantFrom(...vocabulary.NAMESPACE_REGEXES) }),
      ),
    ),
};

/** The world's objects that a list can return (no subresources), named, without user agents. */
const objectsOf = (world: World): WorldObject[] => [
  ...world.targets.flatMap((target, index): WorldObject[] => {
    if (target.subresource !== undefined || target.resource === 'namespaces') return [];
    const { userAgent: _, ...object } = target;
    return [{ target: object, name: `o${index % 3}`, labels: target.objectLabels ?? {} }];
  }),
  // Every namespace is also a Namespace object, living in itself (DESIGN §4.1).
  ...world.namespaces.map((namespace) => ({
    target: { group: '', resource: 'namespaces', namespace },
    name: namespace.name,
    labels: namespace.labels,
  })),
];

/** More objects of the listed resource, so that each request has several to check. */
const arbMoreObjects = (
  resource: { group: string; resource: string },
  namespaces: readonly TargetNamespace[],
): fc.Arbitrary<WorldObject[]> => {
  if (resource.resource === 'namespaces') return fc.constant([]);
  const clusterScoped = CLUSTER.some((r) => r.resource === resource.resource);
  return fc
    .array(
      fc.record({
        namespace: clusterScoped ? fc.constant(undefined) : fc.constantFrom(...namespaces),
        labels: arbLabels(),
        name: fc.constantFrom('o0', 'o1', 'o2'),
      }),
      { maxLength: 10 },
    )
    .map((objects) =>
      objects.map(({ namespace, labels, name }) => ({
        target: { ...resource, namespace, objectLabels: labels },
        name,
        labels,
      })),
    );
};

const arbScope = (
  resource: { group: string; resource: string },
  namespaces: readonly TargetNamespace[],
): fc.Arbitrary<ListScope> => {
  const one = fc.constantFrom(...namespaces).chain((namespace) =>
    fc.record({
      kind: fc.constant('namespace' as const),
      name: fc.constant(namespace.name),
      // The proxy may not know the namespace's labels yet.
      labels: fc.constantFrom(namespace.labels, undefined),
    }),
  );
  // The proxy may not know every namespace yet.
  const all = fc
    .subarray([...namespaces])
    .map((known): ListScope => ({ kind: 'allNamespaces', namespaces: known }));
  if (CLUSTER.some((r) => r.group === resource.group && r.resource === resource.resource)) {
    return fc.constant({ kind: 'cluster' });
  }
  if (resource.resource === 'namespaces') {
    return fc.oneof(fc.constant<ListScope>({ kind: 'cluster' }), all, one);
  }
  return fc.oneof(one, all);
};

/**
 * Random routes (route-engine's `arbVirtualApp()`, or a sharding or canary shape), one of their
 * subsets or the default, a world (`arbWorld()`) and a list request into it.
 */
export const arbScenario = (shape: AppShape = 'any'): fc.Arbitrary<Scenario> =>
  fc
    .tuple(APPS[shape]().map(compileRoutes), arbWorld(), arbListable)
    .chain(([routes, world, resource]) =>
      fc.record({
        routes: fc.constant(routes),
        subset: fc.constantFrom(DEFAULT_SUBSET, ...routes.subsets.map((subset) => subset.name)),
        request: fc.record({
          group: fc.constant(resource.group),
          resource: fc.constant(resource.resource),
          scope: arbScope(resource, world.namespaces),
          userAgent: fc.oneof(
            { weight: 2, arbitrary: fc.constant(undefined) },
            { weight: 1, arbitrary: fc.constantFrom(...vocabulary.USER_AGENTS.slice(1)) },
            { weight: 1, arbitrary: fc.constant(DEFAULT_ONLY_AGENT) },
          ),
        }),
        objects: arbMoreObjects(resource, world.namespaces).map((more) => [
          ...objectsOf(world),
          ...more,
        ]),
      }),
    );

/** The client's own query: selectors it chose (or broken ones), flags, both space encodings. */
export const arbClientQuery: fc.Arbitrary<string> = fc
  .record({
    // Mostly no selector or a short one: a client that selects little leaves little to check.
    labelSelector: fc.oneof(
      { weight: 4, arbitrary: fc.constant(undefined) },
      {
        weight: 4,
        arbitrary: fc
          .array(arbLabelRequirement(), { minLength: 1, maxLength: 2 })
          .map((requirements) => formatLabelSelector({ kind: 'requirements', requirements })),
      },
      { weight: 1, arbitrary: fc.constantFrom('shard in (a', 'a=b=c', ' ', '') },
    ),
    fieldSelector: fc.option(
      fc
        .array(
          fc.record({
            field: fc.constant('metadata.name'),
            operator: fc.constantFrom('Equals' as const, 'NotEquals' as const),
            value: fc.constantFrom('o0', 'o1', 'default', 'lab'),
          }),
          { maxLength: 2 },
        )
        .map((requirements) => formatFieldSelector({ requirements })),
      { nil: undefined },
    ),
    flags: fc.subarray(['pretty', 'watch=1', 'limit=500', 'resourceVersion=0']),
    spaceAsPlus: fc.boolean(),
  })
  .map(({ labelSelector, fieldSelector, flags, spaceAsPlus }) => {
    const encode = (value: string) =>
      spaceAsPlus ? encodeURIComponent(value).replace(/%20/g, '+') : encodeURIComponent(value);
    // The field selector goes unencoded: `metadata.name=o1` has a bare `=` in its value.
    return [
      ...flags,
      ...(labelSelector === undefined ? [] : [`labelSelector=${encode(labelSelector)}`]),
      ...(fieldSelector === undefined ? [] : [`fieldSelector=${fieldSelector}`]),
    ].join('&');
  });
