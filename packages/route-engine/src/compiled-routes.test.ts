import { describe, expect, it } from 'vitest';
import { compileRoutes, compileRoutesInSteps } from './compiled-routes.js';
import { aVirtualApp } from './testing/builders.js';
import type { VirtualApp } from './virtual-app.js';

// A VirtualApp with `rules` sub-rules of two entries each, shared round-robin by three subsets.
const manyRules = (rules: number): VirtualApp =>
  aVirtualApp({
    route: {
      globalLimits: [{ namespaceRegex: '^tenant-' }],
      subRules: Array.from({ length: rules }, (_, index) => ({
        name: `rule-${index}`,
        match: [
          { namespaceRegex: `^tenant-${index}-[a-c][0-9]+$` },
          { objectSelector: { matchLabels: { shard: `s-${index}` } } },
        ],
      })),
    },
    subsets: [0, 1, 2].map((subset) => ({
      name: `subset-${subset}`,
      labels: { shard: `s-${subset}` },
      routeRules: Array.from({ length: rules }, (_, index) => `rule-${index}`).filter(
        (_, index) => index % 3 === subset,
      ),
    })),
  });

const run = (app: VirtualApp) => {
  const steps = compileRoutesInSteps(app);
  let count = 0;
  for (;;) {
    const step = steps.next();
    if (step.done === true) return { count, routes: step.value };
    count += 1;
  }
};

describe('compileRoutesInSteps (issue 9: large VirtualApps stall every request)', () => {
  it('takes one step per match entry, so no step compiles more than one regex', () => {
    for (const rules of [10, 100, 1_000]) {
      // Every sub-rule entry plus the one global limit.
      expect(run(manyRules(rules)).count).toBe(rules * 2 + 1);
    }
  });

  it('ends with the same routes that compileRoutes returns', () => {
    const app = manyRules(30);
    const stepped = run(app).routes;
    const whole = compileRoutes(app);
    const shape = (routes: typeof whole) => ({
      globalLimits: routes.globalLimits.map((entry) => entry.path),
      subsets: routes.subsets.map((subset) => ({
        name: subset.name,
        podLabels: subset.podLabels,
        rules: subset.rules.map((rule) => [rule.name, rule.entries.map((entry) => entry.path)]),
      })),
    });
    expect(shape(stepped)).toEqual(shape(whole));
    expect(Object.isFrozen(stepped)).toBe(true);
    expect(stepped.subsets[1]?.rules[0]?.entries[0]?.namespaceRegex?.test('tenant-1-b7')).toBe(
      true,
    );
  });
});
