import type { ResourceScopes } from '../discovery/resource-scopes.js';
import type { NamespaceLabels } from '../namespaces/namespace-labels.js';
import type { Policies } from '../policies/policy-store.js';
import type { Routes } from '../routes/route-store.js';
import { applyTrafficPolicy } from '../stages/apply-traffic-policy.js';
import { checkObject } from '../stages/check-object.js';
import { classifyRequest } from '../stages/classify-request.js';
import { decideOwnership, type Planned } from '../stages/decide-ownership.js';
import { filterResponse } from '../stages/filter-response.js';
import { forwardUpstream } from '../stages/forward-upstream.js';
import { injectSelectors } from '../stages/inject-selectors.js';
import { overrideUserAgent } from '../stages/override-user-agent.js';
import { pinRoutes } from '../stages/pin-routes.js';
import { rewriteLock } from '../stages/rewrite-lock.js';
import type { Upstream } from '../upstream/upstream.js';
import type { WatchRegistry } from '../watches/watch-registry.js';
import type { WatchSeeds } from '../watches/watch-seeds.js';
import type { Exchange } from './exchange.js';
import { chain, type Handler } from './stage.js';
import { switchPlan } from './switch-plan.js';

/** Everything the stages need, built once by the runtime. */
export interface PipelineDeps {
  readonly routes: Routes;
  readonly namespaces: NamespaceLabels;
  /** TrafficPolicies and FaultInjections that apply to this proxy (DESIGN §8). */
  readonly policies: Policies;
  readonly scopes: ResourceScopes;
  readonly seeds: WatchSeeds;
  readonly watches: WatchRegistry;
  readonly upstream: Pick<Upstream, 'pool' | 'bodilessPool' | 'longRunningPool' | 'timeouts'>;
  readonly maxFrameBytes: number;
  readonly maxListBytes: number;
  /** The pod's namespace, where its leader-election lock lives. */
  readonly podNamespace: string;
}

/** The proxy's request pipeline; the first stage listed sees each request first. */
export const buildPipeline = (deps: PipelineDeps): Handler<Exchange> => {
  // The only stage that talks to the kube-apiserver: every branch ends there.
  const forward = forwardUpstream(deps.upstream);
  return (
    chain<Exchange>()
      // One snapshot per request: no request sees half of a route change.
      .use(pinRoutes(deps.routes))
      // Before anything reads the user agent: routing and the apiserver both see the overridden one.
      .use(overrideUserAgent())
      // Path -> verb, group/resource, namespace, name (route-engine's parseApiPath).
      .use(classifyRequest())
      // Each subset gets its own lock (`<name>---<subset>`); lock traffic skips ownership.
      .use(rewriteLock({ podNamespace: deps.podNamespace, maxFrameBytes: deps.maxFrameBytes }))
      // Ours, another subset's (403), excluded (403), or no routes (503).
      .use(decideOwnership(deps.namespaces))
      // Only what goes on: breakers (503), rate limits (429), request faults; one check when none applies.
      .use(applyTrafficPolicy({ policies: deps.policies, namespaces: deps.namespaces }))
      // Each plan down its own stack: a request meets only the stages that act on it.
      .to(
        switchPlan({
          // Discovery and other non-resource paths, untouched.
          passthrough: forward,
          // Ours (or our lock): nothing left to decide.
          forward,
          // Rules on object labels: decide gets and writes on the object itself.
          'check-object': chain<Planned<'check-object'>>()
            .use(checkObject({ namespaces: deps.namespaces, maxFrameBytes: deps.maxFrameBytes }))
            .to(forward),
          filter: chain<Planned<'filter'>>()
            // Ask the apiserver for (about) the slice only; an optimisation.
            .use(injectSelectors({ namespaces: deps.namespaces, scopes: deps.scopes }))
            // Drop items and events that are not ours.
            .use(filterResponse(deps))
            .to(forward),
        }),
      )
  );
};
