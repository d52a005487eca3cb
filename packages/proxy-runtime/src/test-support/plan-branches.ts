import type { NamespaceLabels } from '../namespaces/namespace-labels.js';
import type { Exchange } from '../pipeline/exchange.js';
import { type Chain, chain, type Handler, type Stage } from '../pipeline/stage.js';
import { type PlanBranches, switchPlan } from '../pipeline/switch-plan.js';
import type { RouteSnapshot } from '../routes/route-snapshot.js';
import { classifyRequest } from '../stages/classify-request.js';
import {
  type Decided,
  decideOwnership,
  type Plan,
  type Planned,
} from '../stages/decide-ownership.js';
import { overrideUserAgent } from '../stages/override-user-agent.js';
import { pinRoutes } from '../stages/pin-routes.js';
import { rewriteLock } from '../stages/rewrite-lock.js';

/**
 * The stages `buildPipeline` runs before its plan switch, pinned to `snapshot` (none: no routes
 * yet), with the pod's lock in `ctrlmesh-system`; a test closes the chain with the switch or the
 * branch it checks.
 */
export const untilDecided = (
  snapshot: RouteSnapshot | undefined,
  namespaces: NamespaceLabels,
): Chain<Exchange, Decided> =>
  chain<Exchange>()
    .use(pinRoutes({ current: () => snapshot }))
    .use(overrideUserAgent())
    .use(classifyRequest())
    .use(rewriteLock({ podNamespace: 'ctrlmesh-system', maxFrameBytes: 1 << 20 }))
    .use(decideOwnership(namespaces));

/**
 * The switch after `decideOwnership` with `stage` on the branch of `kind` and every other plan
 * straight to `terminal`, as `buildPipeline` sends plans that stage does not act on.
 */
export const onBranch = <K extends Plan['kind']>(
  kind: K,
  stage: Stage<Planned<K>>,
  terminal: Handler,
): Handler<Decided> => {
  const branches: Record<Plan['kind'], Handler> = {
    passthrough: terminal,
    forward: terminal,
    filter: terminal,
    'check-object': terminal,
  };
  // One kind, one branch: the record cannot say which handler type goes with which key.
  return switchPlan({ ...branches, [kind]: stage(terminal) } as PlanBranches);
};
