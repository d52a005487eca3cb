import { describe, expect, it } from 'vitest';
import { KeySet } from './key-set.js';
import { WatchSeeds } from './watch-seeds.js';

const keys = (set: Iterable<string> | undefined) => (set === undefined ? undefined : new Set(set));

describe('WatchSeeds', () => {
  it('gives a watch the keys its list showed at that resourceVersion', () => {
    const seeds = new WatchSeeds();
    seeds.record('configmaps|ns=', '10', ['a/x', 'b/y']);
    expect(keys(seeds.seed('configmaps|ns=', '10'))).toEqual(new Set(['a/x', 'b/y']));
    expect(seeds.seed('configmaps|ns=', '11')).toBeUndefined();
    expect(seeds.seed('configmaps|ns=a', '10')).toBeUndefined();
  });

  it('joins the pages of a paginated list', () => {
    const seeds = new WatchSeeds();
    seeds.record('s', '10', ['a']);
    seeds.record('s', '10', ['b'], true);
    expect(keys(seeds.seed('s', '10'))).toEqual(new Set(['a', 'b']));
  });

  it('evicts the least recently used position of a scope past its capacity', () => {
    const seeds = new WatchSeeds({ positionsPerScope: 2 });
    seeds.record('s', '1', ['a']);
    seeds.record('s', '2', ['b']);
    seeds.seed('s', '1');
    seeds.record('s', '3', ['c']);
    expect(seeds.seed('s', '2')).toBeUndefined();
    expect(seeds.seed('s', '1')).toBeDefined();
  });

  it('evicts the least recently used scope past its capacity', () => {
    const seeds = new WatchSeeds({ scopes: 2 });
    seeds.record('s', '1', ['a']);
    seeds.record('t', '1', ['b']);
    seeds.seed('s', '1');
    seeds.record('u', '1', ['c']);
    expect(seeds.seed('t', '1')).toBeUndefined();
    expect(seeds.seed('s', '1')).toBeDefined();
  });

  it('keeps positions of one scope from crowding out another scope', () => {
    const seeds = new WatchSeeds({ positionsPerScope: 2 });
    seeds.record('quiet', '1', ['a']);
    for (let rv = 2; rv < 10; rv++) seeds.advance('busy', String(rv), KeySet.of([`b${rv}`]));
    expect(keys(seeds.seed('quiet', '1'))).toEqual(new Set(['a']));
  });

  it('gives a watch the keys its client held at each position it reached', () => {
    const seeds = new WatchSeeds();
    seeds.record('s', '10', ['a', 'b']);
    const held = seeds.seed('s', '10') ?? KeySet.empty;
    seeds.advance('s', '11', held.delete('a'));
    seeds.advance('s', '12', held.delete('a').add('c'));
    expect(keys(seeds.seed('s', '10'))).toEqual(new Set(['a', 'b']));
    expect(keys(seeds.seed('s', '11'))).toEqual(new Set(['b']));
    expect(keys(seeds.seed('s', '12'))).toEqual(new Set(['b', 'c']));
  });

  it('keeps a thousand positions of 10,000 keys in the memory of a few sets, not a thousand', () => {
    const seeds = new WatchSeeds({ positionsPerScope: 1000 });
    seeds.record(
      's',
      '0',
      Array.from({ length: 10_000 }, (_, i) => `ns/cm-${i}`),
    );
    const one = seeds.footprint();
    let held = seeds.seed('s', '0') ?? KeySet.empty;
    for (let rv = 1; rv <= 1000; rv++) {
      held = rv % 2 === 0 ? held.add(`ns/new-${rv}`) : held.delete(`ns/cm-${rv}`);
      seeds.advance('s', String(rv), held);
    }
    // Each position costs the branches on the path it changed (under 100 slots here), not 10,000.
    expect(seeds.footprint()).toBeLessThan(one + 1000 * 7 * 33);
    expect(seeds.footprint()).toBeLessThan(10 * one);
  });

  it("builds a later list from the scope's latest set, sharing what they have in common", () => {
    const seeds = new WatchSeeds();
    const all = Array.from({ length: 10_000 }, (_, i) => `ns/cm-${i}`);
    seeds.record('s', '1', all);
    const one = seeds.footprint();
    seeds.record('s', '2', all.slice(1));
    expect(seeds.footprint()).toBeLessThan(one + 7 * 33);
  });

  it('forgets everything on clear', () => {
    const seeds = new WatchSeeds();
    seeds.record('s', '1', ['a']);
    seeds.clear();
    expect(seeds.seed('s', '1')).toBeUndefined();
  });
});
