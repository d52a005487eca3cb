import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import type { Set as ImmutableSet } from 'immutable';
import { describe, expect } from 'vitest';
import { WatchSeeds } from './watch-seeds.js';

// A list records what it showed at a position; a watch resumes from a position (when it has a
// record) and records each position it reaches after one change to what its client holds.
const arbScope = fc.constantFrom('a', 'b', 'c', 'd');
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
// From caps that evict on almost every record to caps the operations never reach.
const arbLimits = fc.record({
  positionsPerScope: fc.integer({ min: 1, max: 40 }),
  scopes: fc.integer({ min: 1, max: 5 }),
});

// The naive record: each position a plain copy of its keys, scopes and positions in least recently
// recorded or used order (a Map's order, bumped by deleting and setting again).
class NaiveSeeds {
  readonly scopes = new Map<string, Map<string, Set<string>>>();

  constructor(readonly limits: { positionsPerScope: number; scopes: number }) {}

  put(scope: string, rv: string, keys: Set<string>): void {
    const positions = this.scopes.get(scope) ?? new Map<string, Set<string>>();
    this.scopes.delete(scope);
    this.scopes.set(scope, positions);
    while (this.scopes.size > this.limits.scopes) this.scopes.delete(this.#oldest(this.scopes));
    positions.delete(rv);
    positions.set(rv, keys);
    while (positions.size > this.limits.positionsPerScope)
      positions.delete(this.#oldest(positions));
  }

  seed(scope: string, rv: string): Set<string> | undefined {
    const positions = this.scopes.get(scope);
    const keys = positions?.get(rv);
    if (positions === undefined || keys === undefined) return undefined;
    this.scopes.delete(scope);
    this.scopes.set(scope, positions);
    positions.delete(rv);
    positions.set(rv, keys);
    return keys;
  }

  #oldest<V>(map: Map<string, V>): string {
    return map.keys().next().value as string;
  }
}

describe('WatchSeeds', () => {
  test.prop([arbLimits, fc.array(arbOp, { maxLength: 40 })])(
    'gives each position the set a naive record holds, and keeps no more positions and scopes than its caps',
    (limits, ops) => {
      const seeds = new WatchSeeds(limits);
      const model = new NaiveSeeds(limits);
      for (const op of ops) {
        if (op.kind === 'list') {
          seeds.record(op.scope, op.rv, op.keys, op.append);
          const existing = op.append ? model.scopes.get(op.scope)?.get(op.rv) : undefined;
          model.put(op.scope, op.rv, new Set([...(existing ?? []), ...op.keys]));
          continue;
        }
        const seed = seeds.seed(op.scope, op.rv);
        const expected = model.seed(op.scope, op.rv);
        expect(seed === undefined ? undefined : new Set(seed)).toEqual(expected);
        if (seed === undefined) continue;
        let held: ImmutableSet<string> = seed;
        for (const step of op.steps) {
          held = step.add ? held.add(step.key) : held.delete(step.key);
          seeds.advance(op.scope, step.rv, held);
          model.put(op.scope, step.rv, new Set(held));
        }
      }
      const known = new Map<string, number>();
      for (const scope of ['a', 'b', 'c', 'd']) {
        for (let rv = 1; rv <= 31; rv++) {
          const seed = seeds.seed(scope, String(rv));
          expect(seed === undefined ? undefined : new Set(seed)).toEqual(
            model.scopes.get(scope)?.get(String(rv)),
          );
          if (seed !== undefined) known.set(scope, (known.get(scope) ?? 0) + 1);
        }
      }
      expect(known.size).toBeLessThanOrEqual(limits.scopes);
      for (const count of known.values())
        expect(count).toBeLessThanOrEqual(limits.positionsPerScope);
    },
  );
});
