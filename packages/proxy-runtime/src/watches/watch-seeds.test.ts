import { describe, expect, it } from 'vitest';
import { WatchSeeds } from './watch-seeds.js';

describe('WatchSeeds', () => {
  it('gives a watch the keys its list showed at that resourceVersion', () => {
    const seeds = new WatchSeeds();
    seeds.record('configmaps|ns=', '10', ['a/x', 'b/y']);
    expect(seeds.seed('configmaps|ns=', '10')).toEqual(new Set(['a/x', 'b/y']));
    expect(seeds.seed('configmaps|ns=', '11')).toBeUndefined();
    expect(seeds.seed('configmaps|ns=a', '10')).toBeUndefined();
  });

  it('joins the pages of a paginated list', () => {
    const seeds = new WatchSeeds();
    seeds.record('s', '10', ['a']);
    seeds.record('s', '10', ['b'], true);
    expect(seeds.seed('s', '10')).toEqual(new Set(['a', 'b']));
  });

  it('evicts the least recently used record past its capacity', () => {
    const seeds = new WatchSeeds(2);
    seeds.record('s', '1', ['a']);
    seeds.record('s', '2', ['b']);
    seeds.seed('s', '1');
    seeds.record('s', '3', ['c']);
    expect(seeds.seed('s', '2')).toBeUndefined();
    expect(seeds.seed('s', '1')).toBeDefined();
  });

  it('forgets everything on clear', () => {
    const seeds = new WatchSeeds();
    seeds.record('s', '1', ['a']);
    seeds.clear();
    expect(seeds.seed('s', '1')).toBeUndefined();
  });
});
