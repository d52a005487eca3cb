import { injectListOptions, type ListScope } from '@ctrlmesh/list-option-injector';
import { isNamespaceResource, NO_SUBSET } from '@ctrlmesh/route-engine';
import type { ResourceScopes } from '../discovery/resource-scopes.js';
import type { NamespaceLabels } from '../namespaces/namespace-labels.js';
import type { Stage } from '../pipeline/stage.js';
import type { Planned } from './decide-ownership.js';

/** What {@link injectSelectors} needs. */
export interface InjectSelectorsDeps {
  readonly namespaces: NamespaceLabels;
  readonly scopes: ResourceScopes;
}

/**
 * Narrows list and watch queries to the subset's slice with list-option-injector (label
 * requirements, `metadata.namespace!=x` for known namespaces it sees nothing in), so the apiserver
 * serializes less. Only an optimisation: `filterResponse` still decides every item, so a superset,
 * or no injection at all (scope unknown), is always safe; the client's own selectors are kept and
 * ANDed, so they can narrow but never widen. Under a routing state the selectors are those of the
 * current revision: while `Revoking`, a subset sees only what both revisions let it see, a subset of
 * what the current one does, so they stay a superset; a pod that owns nothing (`NO_SUBSET`) gets
 * none. A stage of the `filter` branch (`switchPlan`).
 */
export const injectSelectors =
  (deps: InjectSelectorsDeps): Stage<Planned<'filter'>> =>
  (next) =>
  async (exchange) => {
    const { api, snapshot } = exchange.plan;
    if (snapshot.subset === NO_SUBSET) return next(exchange);
    let scope: ListScope;
    if (api.namespace !== undefined && !isNamespaceResource(api)) {
      scope = {
        kind: 'namespace',
        name: api.namespace,
        labels: await deps.namespaces.get(api.namespace),
      };
    } else {
      const namespaced = isNamespaceResource(api)
        ? false
        : await deps.scopes.namespaced(api.group, api.version, api.resource);
      if (namespaced === undefined) return next(exchange);
      scope = namespaced
        ? {
            kind: 'allNamespaces',
            namespaces: [...deps.namespaces.known()].map(([name, labels]) => ({ name, labels })),
          }
        : { kind: 'cluster' };
    }
    const injection = injectListOptions(snapshot.routes, snapshot.subset, {
      group: api.group,
      resource: api.resource,
      scope,
      query: exchange.request.query,
      userAgent: exchange.userAgent,
    });
    if (injection.query === exchange.request.query) return next(exchange);
    return next({ ...exchange, request: { ...exchange.request, query: injection.query } });
  };
