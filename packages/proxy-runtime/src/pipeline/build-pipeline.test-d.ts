import { describe, expectTypeOf, it } from 'vitest';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import type { RouteSnapshot } from '../routes/route-snapshot.js';
import { checkObject } from '../stages/check-object.js';
import { type Classified, classifyRequest } from '../stages/classify-request.js';
import { type Decided, decideOwnership, type Planned } from '../stages/decide-ownership.js';
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
import { switchPlan } from './switch-plan.js';

// Types only: vitest's typecheck mode compiles this file and runs none of it. Each
// `@ts-expect-error` fails the check if the line under it compiles (STYLE Part 3, issue 13).
const namespaces = new StaticNamespaceLabels({});
const routes = { current: (): RouteSnapshot | undefined => undefined };
const lock = rewriteLock({ podNamespace: 'ns', maxFrameBytes: 1 });
const upstream = {} as Pick<Upstream, 'pool' | 'bodilessPool' | 'longRunningPool' | 'timeouts'>;
const check = checkObject({ namespaces, maxFrameBytes: 1 });
const filter = filterResponse({
  routes,
  namespaces,
  seeds: new WatchSeeds(),
  watches: new WatchRegistry(),
  maxFrameBytes: 1,
  maxListBytes: 1,
});

describe('the pipeline stages compose only in an order that supplies what each needs', () => {
  it('compiles in the order buildPipeline uses', () => {
    const forward = forwardUpstream(upstream);
    const handler = chain<Exchange>()
      .use(pinRoutes(routes))
      .use(overrideUserAgent())
      .use(classifyRequest())
      .use(lock)
      .use(decideOwnership(namespaces))
      .to(
        switchPlan({
          passthrough: forward,
          forward,
          'check-object': chain<Planned<'check-object'>>().use(check).to(forward),
          filter: chain<Planned<'filter'>>().use(filter).to(forward),
        }),
      );
    expectTypeOf(handler).toEqualTypeOf<Handler<Exchange>>();
  });

  it('does not compile with a stage on the branch of a plan it does not act on', () => {
    const forward = forwardUpstream(upstream);
    switchPlan({
      passthrough: forward,
      forward,
      // @ts-expect-error filterResponse needs the filter plan
      'check-object': chain<Planned<'check-object'>>().use(filter).to(forward),
      // @ts-expect-error checkObject needs the check-object plan
      filter: chain<Planned<'filter'>>().use(check).to(forward),
    });
  });

  it('does not compile when a plan has no branch', () => {
    const forward = forwardUpstream(upstream);
    // @ts-expect-error the check-object plan has no branch
    switchPlan({ passthrough: forward, forward, filter: forward });
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
    chain<Exchange>()
      .use(pinRoutes(routes))
      .use(classifyRequest())
      .use(lock)
      .use(decideOwnership(namespaces))
      // @ts-expect-error filterResponse needs the filter plan, not any plan: it goes on its branch
      .use(filter);
  });

  it('rewriteLock declares what it adds, and decideOwnership keeps it', () => {
    expectTypeOf(lock).toEqualTypeOf<Stage<Classified, LockChecked>>();
    expectTypeOf<LockChecked['lockTraffic']>().toEqualTypeOf<boolean>();
    expectTypeOf<Decided>().toMatchTypeOf<LockChecked>();
  });
});
