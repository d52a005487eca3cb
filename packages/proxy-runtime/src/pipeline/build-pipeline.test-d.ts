import { describe, expectTypeOf, it } from 'vitest';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import type { RouteSnapshot } from '../routes/route-snapshot.js';
import { checkObject } from '../stages/check-object.js';
import { type Classified, classifyRequest } from '../stages/classify-request.js';
import { type Decided, decideOwnership } from '../stages/decide-ownership.js';
import { filterResponse } from '../stages/filter-response.js';
import { forwardUpstream } from '../stages/forward-upstream.js';
import { overrideUserAgent } from '../stages/override-user-agent.js';
import { pinRoutes } from '../stages/pin-routes.js';
import { type LockChecked, rewriteLock } from '../stages/rewrite-lock.js';
import type { Upstream } from '../upstream/upstream.js';
import { WatchRegistry } from '../watches/watch-registry.js';
import { WatchSeeds } from '../watches/watch-seeds.js';
import type { Exchange } from './exchange.js';
import { chain, type Handler, type Stage } from './stage.js';

// Types only: vitest's typecheck mode compiles this file and runs none of it. Each
// `@ts-expect-error` fails the check if the line under it compiles (STYLE Part 3, issue 13).
const namespaces = new StaticNamespaceLabels({});
const routes = { current: (): RouteSnapshot | undefined => undefined };
const lock = rewriteLock({ podNamespace: 'ns', maxFrameBytes: 1 });
const upstream = {} as Pick<Upstream, 'pool' | 'longRunningPool' | 'timeouts'>;
const filter = filterResponse({
  namespaces,
  seeds: new WatchSeeds(),
  watches: new WatchRegistry(),
  maxFrameBytes: 1,
  maxListBytes: 1,
});

describe('the pipeline stages compose only in an order that supplies what each needs', () => {
  it('compiles in the order buildPipeline uses', () => {
    const handler = chain<Exchange>()
      .use(pinRoutes(routes))
      .use(overrideUserAgent())
      .use(classifyRequest())
      .use(lock)
      .use(decideOwnership(namespaces))
      .use(checkObject({ namespaces, maxFrameBytes: 1 }))
      .use(filter)
      .to(forwardUpstream(upstream));
    expectTypeOf(handler).toEqualTypeOf<Handler<Exchange>>();
  });

  it('does not compile with rewriteLock after decideOwnership, where lock traffic would be refused', () => {
    chain<Exchange>()
      .use(pinRoutes(routes))
      .use(classifyRequest())
      // @ts-expect-error decideOwnership needs `lockTraffic`, which only rewriteLock adds
      .use(decideOwnership(namespaces));
  });

  it('does not compile with classifyRequest before the routes are pinned', () => {
    chain<Exchange>()
      // @ts-expect-error classifyRequest needs the pinned snapshot
      .use(classifyRequest());
  });

  it('does not compile with a plan reader before decideOwnership', () => {
    chain<Exchange>()
      .use(pinRoutes(routes))
      .use(classifyRequest())
      .use(lock)
      // @ts-expect-error filterResponse needs the plan
      .use(filter);
  });

  it('rewriteLock declares what it adds, and decideOwnership keeps it', () => {
    expectTypeOf(lock).toEqualTypeOf<Stage<Classified, LockChecked>>();
    expectTypeOf<LockChecked['lockTraffic']>().toEqualTypeOf<boolean>();
    expectTypeOf<Decided>().toMatchTypeOf<LockChecked>();
  });
});
