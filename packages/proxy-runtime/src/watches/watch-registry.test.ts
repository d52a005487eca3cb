import { describe, expect, it } from 'vitest';
import type { RouteSnapshot } from '../routes/route-snapshot.js';
import type { WatchExpiredError } from '../status/proxy-error.js';
import { canarySnapshot } from '../test-support/exchanges.js';
import { WatchRegistry } from './watch-registry.js';

describe('WatchRegistry', () => {
  it('expires the watches that cannot follow new routes, and keeps the ones that take them', () => {
    const registry = new WatchRegistry();
    const ended: string[] = [];
    const followed: RouteSnapshot[] = [];
    registry.add({
      namespace: 'a',
      expire: (e: WatchExpiredError) => ended.push(`a ${e.message}`),
      follow: () => false,
    });
    registry.add({ namespace: undefined, expire: () => ended.push('all') });
    registry.add({
      namespace: 'b',
      expire: () => ended.push('b'),
      follow: (next) => followed.push(next) > 0,
    });
    const next = canarySnapshot({});
    registry.expireChanged(next, 'routes changed');
    expect(ended).toEqual(['a routes changed', 'all']);
    expect(followed).toEqual([next]);
    expect(registry.size).toBe(1);
  });

  it('expires only watches that can see a relabelled namespace', () => {
    const registry = new WatchRegistry();
    const ended: string[] = [];
    registry.add({ namespace: 'a', expire: () => ended.push('a') });
    registry.add({ namespace: 'b', expire: () => ended.push('b') });
    registry.add({ namespace: undefined, expire: () => ended.push('all') });
    registry.expireNamespace('b', 'relabelled');
    expect(ended).toEqual(['b', 'all']);
    expect(registry.size).toBe(1);
  });

  it('hands every watch of one route change the same answers, so that a view is judged once', () => {
    const registry = new WatchRegistry();
    const seen: Map<string, boolean>[] = [];
    for (const namespace of ['a', 'b']) {
      registry.add({
        namespace,
        expire: () => undefined,
        follow: (_next, answers) => seen.push(answers) > 0,
      });
    }
    registry.expireChanged(canarySnapshot({}), 'x');
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
  });

  it('forgets a watch once it is removed', () => {
    const registry = new WatchRegistry();
    const remove = registry.add({
      namespace: undefined,
      expire: () => expect.fail('expired after removal'),
    });
    remove();
    registry.expireChanged(canarySnapshot({}), 'x');
  });
});
