import { describe, expect, it } from 'vitest';
import { compileRoutes } from './compiled-routes.js';
import { DEFAULT_SUBSET } from './default-subset.js';
import { owner } from './ownership.js';
import { MAX_PLANS, resourcePlan } from './resource-plan.js';
import { aTarget, aVirtualApp } from './testing/index.js';

const routes = compileRoutes(
  aVirtualApp({
    route: {
      subRules: [
        { name: 'crds', match: [{ resources: [{ apiGroups: ['*'], resources: ['*'] }] }] },
      ],
    },
    subsets: [{ name: 'v2', labels: { v: '2' }, routeRules: ['crds'] }],
  }),
);

describe('resourcePlan', () => {
  it('is built once per group/resource/subresource and reused', () => {
    const target = aTarget({ group: 'apps', resource: 'deployments' });
    expect(resourcePlan(routes, target)).toBe(resourcePlan(routes, { ...target }));
    expect(resourcePlan(routes, target)).not.toBe(
      resourcePlan(routes, { ...target, subresource: 'scale' }),
    );
  });

  it('keeps answering correctly once clients have named more resources than it keeps', () => {
    for (let i = 0; i < MAX_PLANS + 10; i++) {
      expect(owner(routes, aTarget({ resource: `r${i}` }))).toEqual({
        kind: 'owned',
        subset: 'v2',
      });
      expect(owner(routes, aTarget({ resource: `r${i}`, subresource: 'status' }))).toEqual({
        kind: 'owned',
        subset: DEFAULT_SUBSET,
      });
    }
  });
});
