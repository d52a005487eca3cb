import type { Handler, Stage } from '../pipeline/stage.js';
import { type PlanBranches, switchPlan } from '../pipeline/switch-plan.js';
import type { Decided, Plan, Planned } from '../stages/decide-ownership.js';

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
