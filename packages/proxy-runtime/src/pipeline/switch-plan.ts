import type { Decided, Plan, Planned } from '../stages/decide-ownership.js';
import type { Handler } from './stage.js';

/**
 * One handler per kind of plan, each typed for its plan: a stack of the stages that act on that
 * plan, closed by the forwarder. A plan kind added to `Plan` without a branch does not compile.
 */
export type PlanBranches = { readonly [K in Plan['kind']]: Handler<Planned<K>> };

/**
 * After `decideOwnership`, sends each exchange down the branch of its plan (linkerd2-proxy's
 * `switch`): a request meets only the stages that act on it, instead of every stage opening with
 * `if (plan.kind !== ...) return next(exchange)`.
 */
export const switchPlan =
  (branches: PlanBranches): Handler<Decided> =>
  (exchange) =>
    // The mapped type pairs each kind with its handler; TypeScript cannot follow the pairing
    // through an index by a union, so the lookup is widened once, here.
    (branches[exchange.plan.kind] as Handler<Decided>)(exchange);
