import { compileRoutes } from '@ctrlmesh/route-engine';
import { describe, expect, it } from 'vitest';
import { canaryApp, canarySnapshot } from '../test-support/exchanges.js';
import { relabelMatters } from './namespace-relabel.js';

describe('relabelMatters', () => {
  const { state: routes } = canarySnapshot({});

  it('is true when a label the rules select on changes', () => {
    expect(relabelMatters(routes, {}, { 'ns-type': 'canary' })).toBe(true);
    expect(relabelMatters(routes, { 'ns-type': 'plain' }, { 'ns-type': 'system' })).toBe(true);
  });

  it('is false when only labels no rule reads change', () => {
    expect(relabelMatters(routes, { team: 'a' }, { team: 'b', owner: 'x' })).toBe(false);
    expect(relabelMatters(routes, { 'ns-type': 'plain' }, { 'ns-type': 'other' })).toBe(false);
  });

  it("reads the previous revision's selectors too while Revoking, and only then", () => {
    const canary = compileRoutes(canaryApp());
    const unlabelled = compileRoutes({ ...canaryApp(), spec: { selector: {} } });
    const change = [{ 'ns-type': 'plain' }, { 'ns-type': 'canary' }] as const;
    expect(relabelMatters({ phase: 'Settled', current: unlabelled }, ...change)).toBe(false);
    expect(
      relabelMatters({ phase: 'Settled', previous: canary, current: unlabelled }, ...change),
    ).toBe(false);
    expect(
      relabelMatters({ phase: 'Revoking', previous: canary, current: unlabelled }, ...change),
    ).toBe(true);
  });
});
