import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { KeySet } from './key-set.js';

// Keys from a small alphabet, so that sequences add and remove the same keys again and the trie
// grows branches below its root.
const arbKey = fc.integer({ min: 0, max: 199 }).map((i) => `ns/cm-${i}`);
const arbOp = fc.record({ add: fc.boolean(), key: arbKey });

describe('KeySet', () => {
  test.prop([fc.array(arbOp, { maxLength: 400 })])(
    'holds after any adds and deletes what a Set holds, and leaves every earlier version as it was',
    (ops) => {
      const model = new Set<string>();
      const versions: { set: KeySet; keys: string[] }[] = [];
      let set = KeySet.empty;
      for (const { add, key } of ops) {
        set = add ? set.add(key) : set.delete(key);
        if (add) model.add(key);
        else model.delete(key);
        versions.push({ set, keys: [...model] });
      }
      expect(new Set(set)).toEqual(model);
      expect(set.size).toBe(model.size);
      for (const key of model) expect(set.has(key)).toBe(true);
      for (const { set: version, keys } of versions) {
        expect([...version].sort()).toEqual([...keys].sort());
        expect(version.size).toBe(keys.length);
      }
    },
  );

  test.prop([
    fc.uniqueArray(arbKey, { maxLength: 200 }),
    fc.uniqueArray(arbKey, { maxLength: 200 }),
  ])('becomes exactly the wanted set, from any set', (from, wanted) => {
    const set = KeySet.of(from).becoming(new Set(wanted));
    expect(new Set(set)).toEqual(new Set(wanted));
    expect(set.size).toBe(wanted.length);
  });
});
