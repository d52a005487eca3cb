import {
  type CompiledRoutes,
  matchesFields,
  matchesLabels,
  owner,
  parseFieldSelector,
  parseLabelSelector,
  type Target,
} from '@ctrlmesh/route-engine';
import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { injectListOptions, type ListRequest } from './inject-list-options.js';
import { escapeQueryComponent, parseQueryString, readParameter } from './query-string.js';
import {
  arbClientQuery,
  arbScenario,
  type Scenario,
  type WorldObject,
} from './test-support/scenario.js';

/** Whether the apiserver returns `object` for `query`; a selector that does not parse is a 400. */
const selects = (query: string, object: WorldObject): boolean => {
  const parsed = parseQueryString(query);
  const labels = parseLabelSelector(readParameter(parsed, 'labelSelector') ?? '');
  const fields = parseFieldSelector(readParameter(parsed, 'fieldSelector') ?? '');
  if (!labels.ok || !fields.ok) return false;
  return (
    matchesLabels(labels.value, object.labels) &&
    matchesFields(fields.value, {
      'metadata.name': object.name,
      'metadata.namespace': object.target.namespace?.name ?? '',
    })
  );
};

/** Whether `subset` may see `object`, as route-engine's `owner` decides it. */
const visible = (
  routes: CompiledRoutes,
  subset: string,
  object: WorldObject,
  userAgent: string | undefined,
): boolean => {
  const target: Target = { ...object.target, userAgent };
  const decided = owner(routes, target);
  if (decided.kind === 'dependsOnObject') throw new Error('owner needs more than a whole object');
  return decided.kind === 'public' || (decided.kind === 'owned' && decided.subset === subset);
};

/** The objects a request covers, before any selector. */
const covered = (scenario: Scenario, request: ListRequest): WorldObject[] =>
  scenario.objects.filter(
    ({ target }) =>
      target.group === request.group &&
      target.resource === request.resource &&
      (request.scope.kind !== 'namespace' || target.namespace?.name === request.scope.name),
  );

const checkInvariants = (scenario: Scenario, request: ListRequest) => {
  const { routes, subset } = scenario;
  const result = injectListOptions(routes, subset, request);
  for (const object of covered(scenario, request)) {
    const before = selects(request.query, object);
    const after = selects(result.query, object);
    const wanted = before && visible(routes, subset, object, request.userAgent);
    const where = `${object.target.namespace?.name ?? ''}/${object.name} ${JSON.stringify(object.labels)}`;
    expect(after && !before, `selects more than the client asked: ${where}`).toBe(false);
    if (result.exactness === 'exact') expect(after, `not exactly the slice: ${where}`).toBe(wanted);
    else if (wanted) expect(after, `drops an object of the slice: ${where}`).toBe(true);
  }
  return result;
};

// Routes and worlds come from route-engine's `./testing` (arbVirtualApp, arbWorld), so the
// slice is whatever route-engine's `owner` says, not a second opinion of ours.
describe('injectListOptions over random VirtualApps and worlds', () => {
  test.prop([arbScenario(), arbClientQuery], { numRuns: 1000 })(
    'never selects more than the client did; exact means the slice, superset contains it',
    (scenario, query) => {
      checkInvariants(scenario, { ...scenario.request, query });
    },
  );

  test.prop([arbScenario('sharding'), arbClientQuery], { numRuns: 600 })(
    'keeps those promises when subsets shard by object labels',
    (scenario, query) => {
      checkInvariants(scenario, { ...scenario.request, query });
    },
  );

  test.prop([arbScenario('canary'), arbClientQuery], { numRuns: 600 })(
    'keeps those promises when subsets split namespaces',
    (scenario, query) => {
      checkInvariants(scenario, { ...scenario.request, query });
    },
  );

  test.prop([arbScenario()], { numRuns: 300 })(
    'leaves the query byte-identical when it injects nothing',
    (scenario) => {
      const query = `pretty&labelSelector=${escapeQueryComponent('tier')}&&x=%3D`;
      const result = injectListOptions(scenario.routes, scenario.subset, {
        ...scenario.request,
        query,
      });
      const injected =
        result.injected.labelRequirements.length > 0 ||
        result.injected.matchesNothing ||
        result.injected.fieldRequirements.length > 0;
      expect(result.query === query).toBe(!injected);
    },
  );
});
