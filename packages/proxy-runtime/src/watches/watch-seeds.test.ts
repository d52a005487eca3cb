import { Set as ImmutableSet } from 'immutable';
import { describe, expect, it } from 'vitest';
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

  it('forgets, for a relabelled namespace, only what watches reading it were shown', () => {
    const seeds = new WatchSeeds();
    seeds.record({ key: 'cm|team', namespace: 'team' }, '10', ['team/a']);
    seeds.record({ key: 'cm|other', namespace: 'other' }, '10', ['other/b']);
    seeds.record({ key: 'cm|', namespace: undefined }, '10', ['team/a', 'other/b']);
    seeds.forgetNamespace('team');
    expect(seeds.seed('cm|team', '10')).toBeUndefined();
    expect(seeds.seed('cm|', '10')).toBeUndefined();
    expect(keys(seeds.seed('cm|other', '10'))).toEqual(new Set(['other/b']));
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
    for (let rv = 2; rv < 10; rv++) seeds.advance('busy', String(rv), ImmutableSet([`b${rv}`]));
    expect(keys(seeds.seed('quiet', '1'))).toEqual(new Set(['a']));
  });

  it('gives a watch the keys its client held at each position it reached', () => {
    const seeds = new WatchSeeds();
    seeds.record('s', '10', ['a', 'b']);
    const held = seeds.seed('s', '10') ?? ImmutableSet<string>();
    seeds.advance('s', '11', held.delete('a'));
    seeds.advance('s', '12', held.delete('a').add('c'));
    expect(keys(seeds.seed('s', '10'))).toEqual(new Set(['a', 'b']));
    expect(keys(seeds.seed('s', '11'))).toEqual(new Set(['b']));
    expect(keys(seeds.seed('s', '12'))).toEqual(new Set(['b', 'c']));
  });

  it('keeps the set a watch reached as it is, not a copy of its keys', () => {
    const seeds = new WatchSeeds();
    seeds.record('s', '0', ['ns/a', 'ns/b']);
    const held = (seeds.seed('s', '0') ?? ImmutableSet<string>()).add('ns/c');
    seeds.advance('s', '1', held);
    expect(seeds.seed('s', '1')).toBe(held);
  });

  // A set built from the latest one with nothing to change is that set: lists share with it.
  it("gives a later list that shows what the scope's latest set holds that very set", () => {
    const seeds = new WatchSeeds();
    const all = Array.from({ length: 10_000 }, (_, i) => `ns/cm-${i}`);
    seeds.record('s', '1', all);
    seeds.record('s', '2', [...all].reverse());
    expect(seeds.seed('s', '2')).toBe(seeds.seed('s', '1'));
  });

  it("builds a later list from the scope's latest set, leaving that set as it was", () => {
    const seeds = new WatchSeeds();
    const all = Array.from({ length: 1000 }, (_, i) => `ns/cm-${i}`);
    seeds.record('s', '1', all);
    seeds.record('s', '2', [...all.slice(1), 'ns/new']);
    expect(keys(seeds.seed('s', '1'))).toEqual(new Set(all));
    expect(keys(seeds.seed('s', '2'))).toEqual(new Set([...all.slice(1), 'ns/new']));
  });

  it('forgets everything on clear', () => {
    const seeds = new WatchSeeds();
    seeds.record('s', '1', ['a']);
    seeds.clear();
    expect(seeds.seed('s', '1')).toBeUndefined();
  });
});
