import type { Exchange } from '../pipeline/exchange.js';
import type { Stage } from '../pipeline/stage.js';
import type { RouteSnapshot } from '../routes/route-snapshot.js';
import type { Routes } from '../routes/route-store.js';

/** An exchange with the routes it is decided by. */
export type Pinned = Exchange & { readonly snapshot: RouteSnapshot | undefined };

/**
 * Reads the current routes once and pins them to the exchange: every later stage decides with the
 * same snapshot, so a request never sees half of a route change.
 */
export const pinRoutes =
  (routes: Routes): Stage<Exchange, Pinned> =>
  (next) =>
  (exchange) =>
    next({ ...exchange, snapshot: routes.current() });
