import { describe, expect, it } from 'vitest';
import { KeySet } from './key-set.js';

// Two keys whose 32-bit hashes are equal (FNV-1a), found by search.
const COLLIDING = ['ns/cm-139599', 'ns/cm-322382'] as const;

describe('KeySet', () => {
  it('leaves the set it was made from unchanged', () => {
    const before = KeySet.of(['a/x', 'a/y']);
    const after = before.add('a/z').delete('a/x');
    expect(new Set(before)).toEqual(new Set(['a/x', 'a/y']));
    expect(new Set(after)).toEqual(new Set(['a/y', 'a/z']));
  });

  it('returns the very same set when nothing changes', () => {
    const set = KeySet.of(['a/x']);
    expect(set.add('a/x')).toBe(set);
    expect(set.delete('a/y')).toBe(set);
  });

  it('tells apart keys whose hashes are equal', () => {
    const both = KeySet.of(COLLIDING);
    expect(both.size).toBe(2);
    expect(both.has(COLLIDING[0]) && both.has(COLLIDING[1])).toBe(true);
    const one = both.delete(COLLIDING[0]);
    expect(new Set(one)).toEqual(new Set([COLLIDING[1]]));
    expect(one.has(COLLIDING[0])).toBe(false);
    expect(one.delete(COLLIDING[1]).size).toBe(0);
  });

  it('frees the branches a removal empties', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `ns/cm-${i}`);
    const full = KeySet.of(keys);
    let set = full;
    for (const key of keys.slice(1)) set = set.delete(key);
    expect(KeySet.footprint([set])).toBeLessThanOrEqual(3);
    expect(KeySet.footprint([full])).toBeGreaterThan(1000);
  });
});
