import { describe, expect, it } from 'vitest';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import { makeSnapshot } from '../routes/route-snapshot.js';
import { anExchange, cannedTerminal, fixtureApp } from '../test-support/exchanges.js';
import { untilDecided } from '../test-support/plan-branches.js';
import type { Handler } from './stage.js';
import { type PlanBranches, switchPlan } from './switch-plan.js';

const namespaces = new StaticNamespaceLabels({ work: {} });

// Each branch records its name; a branch that is not `runs` fails the test.
const branches = (runs: keyof PlanBranches, app: string): { handler: Handler; ran: string[] } => {
  const snapshot = makeSnapshot(fixtureApp(app), {}, 1);
  const ran: string[] = [];
  const branch =
    (name: keyof PlanBranches): Handler =>
    async (exchange) => {
      if (name !== runs) throw new Error(`the ${name} branch ran for a ${runs} plan`);
      ran.push(name);
      return cannedTerminal('{}')(exchange);
    };
  const handler = untilDecided(snapshot, namespaces).to(
    switchPlan({
      passthrough: branch('passthrough'),
      forward: branch('forward'),
      filter: branch('filter'),
      'check-object': branch('check-object'),
    }),
  );
  return { handler, ran };
};

describe('switchPlan', () => {
  it.each([
    ['passthrough', 'canary-vapp', '/version'],
    ['forward', 'canary-vapp', '/api/v1/namespaces/work/configmaps/x'],
    ['filter', 'canary-vapp', '/api/v1/namespaces/work/configmaps?watch=True'],
    // An objectSelector rule: the object's own labels decide.
    ['check-object', 'sharding-vapp', '/api/v1/namespaces/work/configmaps/x'],
  ] as const)('sends a %s plan down its own branch only', async (kind, app, url) => {
    const { handler, ran } = branches(kind, app);
    await handler(anExchange('GET', url));
    expect(ran).toEqual([kind]);
  });
});
