import {
  handoverDecisionFor,
  handoverOwner,
  isNamespaceResource,
  type ResourceRequest,
  type Target,
} from '@ctrlmesh/route-engine';
import type { NamespaceLabels } from '../namespaces/namespace-labels.js';
import { blindUserAgent } from '../ownership/blind-user-agent.js';
import { decisionLabel } from '../ownership/decision-label.js';
import { revokedError } from '../ownership/revoked-error.js';
import type { Stage } from '../pipeline/stage.js';
import type { RouteSnapshot } from '../routes/route-snapshot.js';
import {
  DefaultOnlyUserAgentError,
  ExcludedError,
  NoRoutesYetError,
  OutsideSliceError,
  type Subject,
} from '../status/proxy-error.js';
import type { LockChecked } from './rewrite-lock.js';

/**
 * What the rest of the pipeline does with a request:
 * - `passthrough`: not about a resource (discovery, `/version`): forwarded untouched;
 * - `forward`: this pod may touch it: forwarded (lock names may still be rewritten);
 * - `filter`: a list or watch: forwarded, each item or event decided again;
 * - `check-object`: a get that depends on the object's own labels: decided on the response.
 */
export type Plan =
  | { readonly kind: 'passthrough' }
  | { readonly kind: 'forward'; readonly snapshot: RouteSnapshot; readonly api: ResourceRequest }
  | FilterPlan
  | {
      readonly kind: 'check-object';
      readonly snapshot: RouteSnapshot;
      readonly api: ResourceRequest;
    };

/** A list or watch to filter per object. */
export interface FilterPlan {
  readonly kind: 'filter';
  readonly snapshot: RouteSnapshot;
  readonly api: ResourceRequest;
}

/** An exchange with its plan. */
export type Decided = LockChecked & { readonly plan: Plan };

/** An exchange whose plan is of kind `K`: what the stages of that plan's branch need. */
export type Planned<K extends Plan['kind']> = Decided & {
  readonly plan: Extract<Plan, { kind: K }>;
};

const subjectOf = (api: ResourceRequest): Subject => ({
  group: api.group,
  resource: api.subresource ? `${api.resource}/${api.subresource}` : api.resource,
  namespace: isNamespaceResource(api) ? undefined : api.namespace,
  name: api.name,
});

/**
 * Decides, with route-engine, whether this pod may serve a resource request. Lists and watches are
 * always forwarded and filtered per object (an empty slice is an empty list, not an error); every
 * other verb outside the slice gets 403 naming the owner; excluded targets get 403 too (a 404 would
 * invite create-on-miss loops that fail anyway, see README), and so do targets handed over between
 * revisions (`Revoking`, DESIGN §6), naming both. No routes yet: 503, fail closed.
 * Needs the pinned snapshot, the classified request and whether it is lock traffic (`rewriteLock`).
 */
export const decideOwnership =
  (namespaces: NamespaceLabels): Stage<LockChecked, Decided> =>
  (next) =>
  async (exchange) => {
    const { api, snapshot, userAgent } = exchange;
    if (api.kind === 'nonResource') {
      exchange.report.decision = 'passthrough';
      return next({ ...exchange, plan: { kind: 'passthrough' } });
    }
    if (snapshot === undefined) {
      exchange.report.decision = 'no-routes';
      throw new NoRoutesYetError();
    }
    if (exchange.lockTraffic) {
      // Each subset has its own copy of the lock (`rewriteLock`): no subset can touch another's.
      exchange.report.decision = 'owned';
      return next({ ...exchange, plan: { kind: 'forward', snapshot, api } });
    }
    // A user agent default-only in either revision in play sees nothing here.
    const blind = blindUserAgent(snapshot, userAgent);
    if (api.verb === 'list' || api.verb === 'watch') {
      exchange.report.decision = 'filtered';
      return next({ ...exchange, plan: { kind: 'filter', snapshot, api } });
    }
    if (blind) {
      exchange.report.decision = 'denied';
      throw new DefaultOnlyUserAgentError(userAgent, snapshot.subset);
    }
    const target: Target = {
      group: api.group,
      resource: api.resource,
      subresource: api.subresource,
      userAgent,
      ...(api.namespace === undefined
        ? {}
        : {
            namespace: { name: api.namespace, labels: (await namespaces.get(api.namespace)) ?? {} },
          }),
    };
    // Decided under the routing state (both revisions while Revoking), keeping the ownership to
    // tell `public` from `owned`.
    const ownership = handoverOwner(snapshot.state, target);
    const decision = handoverDecisionFor(ownership, snapshot.subset);
    // Final here, except for check-object, whose object decides (and `checkObject` records).
    exchange.report.decision = decisionLabel(ownership, decision);
    switch (decision.kind) {
      case 'allowed':
        return next({ ...exchange, plan: { kind: 'forward', snapshot, api } });
      case 'denied':
        throw new OutsideSliceError(subjectOf(api), decision.owner, snapshot.subset);
      case 'excluded':
        throw new ExcludedError(subjectOf(api));
      case 'revoked':
        throw revokedError(snapshot, subjectOf(api));
      case 'dependsOnObject':
        return next({ ...exchange, plan: { kind: 'check-object', snapshot, api } });
    }
  };
