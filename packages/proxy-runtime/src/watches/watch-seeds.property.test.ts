import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import type { KeySet } from './key-set.js';
import { WatchSeeds } from './watch-seeds.js';

// A list records what it showed at a position; a watch resumes from a position (when it has a
// record) and records each position it reaches after one change to what its client holds.
const arbScope = fc.constantFrom('a', 'b', 'c');
const arbRv = fc.integer({ min: 1, max: 30 }).map(String);
const arbKey = fc.integer({ min: 0, max: 99 }).map((i) => `ns/cm-${i}`);
const arbOp = fc.oneof(
  fc.record({
    kind: fc.constant('list' as const),
    scope: arbScope,
    rv: arbRv,
    keys: fc.array(arbKey, { maxLength: 60 }),
    append: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('watch' as const),
    scope: arbScope,
    rv: arbRv,
    steps: fc.array(fc.record({ add: fc.boolean(), key: arbKey, rv: arbRv }), { maxLength: 12 }),
  }),
);

const symmetricDifference = (a: ReadonlySet<string>, b: ReadonlySet<string>): number => {
  let count = 0;
  for (const key of a) if (!b.has(key)) count++;
  for (const key of b) if (!a.has(key)) count++;
  return count;
};

// A slot per key, a few branches above each (seven levels at most), and for each key changed
// between a set and the one it was built from, a copy of the branches on its path (33 slots each).
const LEVELS = 8;
const SLOTS_PER_KEY = 2 * LEVELS;
const SLOTS_PER_CHANGE = 33 * LEVELS;

describe('WatchSeeds', () => {
  test.prop([fc.array(arbOp, { maxLength: 40 })])(
    'gives each position the set a naive record holds, in memory bounded by the keys and the changes',
    (ops) => {
      const seeds = new WatchSeeds({ positionsPerScope: 10_000, scopes: 100 });
      const model = new Map<string, Set<string>>();
      const latest = new Map<string, Set<string>>();
      const listBase = new Map<string, Set<string>>();
      const keysSeen = new Map<string, Set<string>>();
      const changes = new Map<string, number>();
      const note = (scope: string, rv: string, held: Set<string>, from: Set<string>) => {
        model.set(`${scope}@${rv}`, held);
        latest.set(scope, held);
        const seen = keysSeen.get(scope) ?? new Set();
        for (const key of held) seen.add(key);
        keysSeen.set(scope, seen);
        if (from.size > 0)
          changes.set(scope, (changes.get(scope) ?? 0) + symmetricDifference(from, held));
      };
      for (const op of ops) {
        const id = `${op.scope}@${op.rv}`;
        if (op.kind === 'list') {
          seeds.record(op.scope, op.rv, op.keys, op.append);
          const existing = op.append ? model.get(id) : undefined;
          const held = new Set([...(existing ?? []), ...op.keys]);
          const base = (existing && listBase.get(id)) ?? latest.get(op.scope) ?? new Set<string>();
          listBase.set(id, base);
          note(op.scope, op.rv, held, base);
          continue;
        }
        const seed = seeds.seed(op.scope, op.rv);
        expect(seed === undefined).toBe(!model.has(id));
        if (seed === undefined) continue;
        let held: KeySet = seed;
        let before = new Set(seed);
        for (const step of op.steps) {
          held = step.add ? held.add(step.key) : held.delete(step.key);
          seeds.advance(op.scope, step.rv, held);
          listBase.delete(`${op.scope}@${step.rv}`);
          const now = new Set(held);
          note(op.scope, step.rv, now, before);
          before = now;
        }
      }
      for (const [id, held] of model) {
        const [scope, rv] = id.split('@') as [string, string];
        expect(new Set(seeds.seed(scope, rv))).toEqual(held);
      }
      expect(seeds.seed('a', '31')).toBeUndefined();
      let bound = 1;
      for (const [scope, seen] of keysSeen) {
        bound += 1 + SLOTS_PER_KEY * seen.size + SLOTS_PER_CHANGE * (changes.get(scope) ?? 0);
      }
      expect(seeds.footprint()).toBeLessThanOrEqual(bound);
    },
  );
});
