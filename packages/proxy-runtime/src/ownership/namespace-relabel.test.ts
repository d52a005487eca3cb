import { describe, expect, it } from 'vitest';
import { canarySnapshot } from '../test-support/exchanges.js';
import { relabelMatters } from './namespace-relabel.js';

describe('relabelMatters', () => {
  const { routes } = canarySnapshot({});

  it('is true when a label the rules select on changes', () => {
    expect(relabelMatters(routes, {}, { 'ns-type': 'canary' })).toBe(true);
    expect(relabelMatters(routes, { 'ns-type': 'plain' }, { 'ns-type': 'system' })).toBe(true);
  });

  it('is false when only labels no rule reads change', () => {
    expect(relabelMatters(routes, { team: 'a' }, { team: 'b', owner: 'x' })).toBe(false);
    expect(relabelMatters(routes, { 'ns-type': 'plain' }, { 'ns-type': 'other' })).toBe(false);
  });
});
