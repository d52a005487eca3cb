import {
  type CompiledRoutes,
  compileRoutes,
  DEFAULT_SUBSET,
  formatFieldSelector,
  formatLabelSelector,
  type LabelRequirement,
  type Labels,
  parseVirtualApp,
  type TargetNamespace,
} from '@ctrlmesh/route-engine';
import { fc } from '@fast-check/vitest';
import type { ListRequest, ListScope } from '../inject-list-options.js';

/** An object of the random world: a pod or configmap in a namespace, a node, or a Namespace. */
export interface WorldObject {
  readonly group: string;
  readonly resource: 'pods' | 'configmaps' | 'nodes' | 'namespaces';
  readonly name: string;
  /** For a Namespace, itself (a Namespace lives in itself, DESIGN §4.1). */
  readonly namespace: TargetNamespace | undefined;
  readonly labels: Labels;
}

/** Routes, the subset asking, its request (query aside) and the world it asks about. */
export interface Scenario {
  readonly routes: CompiledRoutes;
  readonly subset: string;
  readonly request: Omit<ListRequest, 'query'>;
  readonly objects: readonly WorldObject[];
}

// Small universes, so that rules, namespaces and objects collide often.
const NAMESPACE_NAMES = ['default', 'canary-a', 'canary-b', 'kube-system', 'lab', 'team-x'];
const NAMESPACE_LABELS = { 'ns-type': ['system', 'canary', 'team'], env: ['prod', 'dev'] };
const OBJECT_LABELS = { shard: ['a', 'b', 'c'], tier: ['gold', 'silver'], env: ['prod', 'dev'] };
const REGEXES = ['^canary', 'lab', '^kube-', 'a$', 'team', 'x'];
const RESOURCES = [
  { apiGroups: [''], resources: ['pods'] },
  { apiGroups: [''], resources: ['configmaps'] },
  { apiGroups: [''], resources: ['nodes'] },
  { apiGroups: [''], resources: ['namespaces'] },
  { apiGroups: ['*'], resources: ['*'] },
];
const DEFAULT_ONLY_AGENT = 'reporter/v1';

const arbLabels = (universe: Record<string, string[]>): fc.Arbitrary<Labels> =>
  fc.record(
    Object.fromEntries(
      Object.entries(universe).map(([key, values]) => [key, fc.constantFrom(...values)]),
    ),
    { requiredKeys: [] },
  ) as fc.Arbitrary<Labels>;

/** A structured (`metav1.LabelSelector`) selector over `universe`. */
const arbStructuredSelector = (universe: Record<string, string[]>) => {
  const keys = Object.keys(universe);
  const expression = fc.constantFrom(...keys).chain((key) =>
    fc.oneof(
      fc.record({
        key: fc.constant(key),
        operator: fc.constantFrom('In', 'NotIn'),
        values: fc.uniqueArray(fc.constantFrom(...universe[key]!), { minLength: 1 }),
      }),
      fc.record({ key: fc.constant(key), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
    ),
  );
  return fc.record(
    { matchLabels: arbLabels(universe), matchExpressions: fc.array(expression, { maxLength: 2 }) },
    { requiredKeys: [] },
  );
};

/** A match entry that sets at least one field; object-selector-only entries are common (sharding). */
const arbMatchEntry = fc.oneof(
  { weight: 2, arbitrary: fc.record({ objectSelector: arbStructuredSelector(OBJECT_LABELS) }) },
  {
    weight: 3,
    arbitrary: fc
      .record(
        {
          namespaceSelector: arbStructuredSelector(NAMESPACE_LABELS),
          namespaceRegex: fc.constantFrom(...REGEXES),
          objectSelector: arbStructuredSelector(OBJECT_LABELS),
          resources: fc.subarray(RESOURCES, { minLength: 1, maxLength: 2 }),
        },
        { requiredKeys: [] },
      )
      .filter((entry) => Object.keys(entry).length > 0),
  },
);

/** Sharding by object labels: one object selector per rule, nothing else. */
const arbShardEntry = fc.record({ objectSelector: arbStructuredSelector(OBJECT_LABELS) });

const arbVirtualAppInput = (sharding: boolean) =>
  fc
    .record({
      globalLimits: fc.array(arbMatchEntry, { maxLength: sharding ? 0 : 2 }),
      rules: sharding
        ? fc.array(fc.tuple(arbShardEntry), { minLength: 1, maxLength: 3 })
        : fc.array(fc.array(arbMatchEntry, { minLength: 1, maxLength: 3 }), { maxLength: 4 }),
      subsetCount: sharding ? fc.integer({ min: 1, max: 3 }) : fc.nat(3),
      publicResources: sharding ? fc.constant([]) : fc.subarray(RESOURCES.slice(0, 2)),
      defaultOnlyAgents: fc.boolean(),
    })
    .map(({ globalLimits, rules, subsetCount, publicResources, defaultOnlyAgents }) => ({
      apiVersion: 'ctrlmesh.io/v1alpha1',
      kind: 'VirtualApp',
      metadata: { name: 'app', namespace: 'ops' },
      spec: {
        selector: { matchLabels: { app: 'ctl' } },
        route: {
          globalLimits,
          subRules: rules.map((match, index) => ({ name: `rule-${index}`, match })),
          subsetPublicResources: publicResources,
          subsetDefaultOnlyUserAgents: defaultOnlyAgents ? [DEFAULT_ONLY_AGENT] : [],
        },
        // Rules are dealt out round-robin; a rule belongs to at most one subset.
        subsets: Array.from({ length: subsetCount }, (_, index) => ({
          name: `s${index}`,
          labels: { subset: `s${index}` },
          routeRules: rules
            .map((_, rule) => `rule-${rule}`)
            .filter((_, rule) => rule % subsetCount === index),
        })),
      },
    }));

const arbRoutes = (sharding: boolean): fc.Arbitrary<CompiledRoutes> =>
  arbVirtualAppInput(sharding).map((input) => {
    const parsed = parseVirtualApp(input);
    if (!parsed.ok)
      throw new Error(`generated an invalid VirtualApp: ${JSON.stringify(parsed.problems)}`);
    return compileRoutes(parsed.value);
  });

const arbNamespaces: fc.Arbitrary<TargetNamespace[]> = fc
  .uniqueArray(fc.constantFrom(...NAMESPACE_NAMES), { minLength: 1 })
  .chain((names) =>
    fc.tuple(
      ...names.map((name) => arbLabels(NAMESPACE_LABELS).map((labels) => ({ name, labels }))),
    ),
  );

const arbWorld = arbNamespaces.chain((namespaces) => {
  const inNamespace = (resource: 'pods' | 'configmaps') =>
    fc.record({
      group: fc.constant(''),
      resource: fc.constant(resource),
      name: fc.constantFrom('o1', 'o2', 'o3'),
      namespace: fc.constantFrom(...namespaces),
      labels: arbLabels(OBJECT_LABELS),
    });
  const nodes = fc.record({
    group: fc.constant(''),
    resource: fc.constant('nodes' as const),
    name: fc.constantFrom('n1', 'n2'),
    namespace: fc.constant(undefined),
    labels: arbLabels(OBJECT_LABELS),
  });
  const namespaceObjects: WorldObject[] = namespaces.map((namespace) => ({
    group: '',
    resource: 'namespaces',
    name: namespace.name,
    namespace,
    labels: namespace.labels,
  }));
  return fc
    .array(fc.oneof(inNamespace('pods'), inNamespace('configmaps'), nodes), { maxLength: 40 })
    .map((objects) => ({
      namespaces,
      objects: [...objects, ...namespaceObjects] as WorldObject[],
    }));
});

const arbScope = (
  resource: WorldObject['resource'],
  namespaces: readonly TargetNamespace[],
): fc.Arbitrary<ListScope> => {
  const one = fc.constantFrom(...namespaces).chain((namespace) =>
    fc.record({
      kind: fc.constant('namespace' as const),
      name: fc.constant(namespace.name),
      // The proxy may not know the namespace's labels yet.
      labels: fc.option(fc.constant(namespace.labels), { nil: undefined }),
    }),
  );
  // The proxy may not know every namespace yet.
  const all = fc
    .subarray([...namespaces])
    .map((known): ListScope => ({ kind: 'allNamespaces', namespaces: known }));
  if (resource === 'nodes') return fc.constant({ kind: 'cluster' });
  if (resource === 'namespaces')
    return fc.oneof(fc.constant<ListScope>({ kind: 'cluster' }), all, one);
  return fc.oneof(one, all);
};

/**
 * Random routes, a subset of them (or the default), a world and a list request into it.
 * `sharding` draws only object-selector rules, where the default subset's negations matter most.
 */
export const arbScenario = ({ sharding = false } = {}): fc.Arbitrary<Scenario> =>
  fc
    .tuple(
      arbRoutes(sharding),
      arbWorld,
      fc.constantFrom('pods', 'configmaps', 'nodes', 'namespaces' as const),
    )
    .chain(([routes, world, resource]) =>
      fc.record({
        routes: fc.constant(routes),
        subset: fc
          .constantFrom(DEFAULT_SUBSET, 's0', 's1', 's2')
          .filter(
            (subset) => subset === DEFAULT_SUBSET || routes.subsets.some((s) => s.name === subset),
          ),
        request: fc.record({
          group: fc.constant(''),
          resource: fc.constant(resource),
          scope: arbScope(resource, world.namespaces),
          userAgent: fc.oneof(
            { weight: 2, arbitrary: fc.constant(undefined) },
            { weight: 1, arbitrary: fc.constant('controller/v1') },
            { weight: 1, arbitrary: fc.constant(DEFAULT_ONLY_AGENT) },
          ),
        }),
        objects: fc.constant(world.objects),
      }),
    );

const arbRequirement: fc.Arbitrary<LabelRequirement> = fc
  .constantFrom(...Object.keys(OBJECT_LABELS))
  .chain((key) => {
    const values = OBJECT_LABELS[key as keyof typeof OBJECT_LABELS];
    return fc.oneof(
      fc.record({
        key: fc.constant(key),
        operator: fc.constantFrom('In' as const, 'NotIn' as const),
        values: fc.uniqueArray(fc.constantFrom(...values), { minLength: 1 }).map((v) => v.sort()),
      }),
      fc.record({
        key: fc.constant(key),
        operator: fc.constantFrom('Equals' as const, 'NotEquals' as const),
        values: fc.constantFrom(...values).map((value) => [value]),
      }),
      fc.record({
        key: fc.constant(key),
        operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const),
        values: fc.constant([]),
      }),
    );
  });

/** The client's own query: selectors it chose (or broken ones), flags and noise. */
export const arbClientQuery: fc.Arbitrary<string> = fc
  .record({
    labelSelector: fc.option(
      fc.oneof(
        {
          weight: 8,
          arbitrary: fc
            .array(arbRequirement, { maxLength: 3 })
            .map((requirements) => formatLabelSelector({ kind: 'requirements', requirements })),
        },
        { weight: 1, arbitrary: fc.constantFrom('shard in (a', 'a=b=c', ' ', '') },
      ),
      { nil: undefined },
    ),
    fieldSelector: fc.option(
      fc
        .array(
          fc.record({
            field: fc.constant('metadata.name'),
            operator: fc.constantFrom('Equals' as const, 'NotEquals' as const),
            value: fc.constantFrom('o1', 'o2', 'n1', 'default', 'lab'),
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
    return [
      ...flags,
      ...(labelSelector === undefined ? [] : [`labelSelector=${encode(labelSelector)}`]),
      ...(fieldSelector === undefined ? [] : [`fieldSelector=${fieldSelector}`]),
    ].join('&');
  });
