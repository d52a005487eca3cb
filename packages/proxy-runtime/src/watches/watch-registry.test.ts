import { describe, expect, it } from 'vitest';
import type { WatchExpiredError } from '../status/proxy-error.js';
import { WatchRegistry } from './watch-registry.js';

describe('WatchRegistry', () => {
  it('expires every watch when routes change', () => {
    const registry = new WatchRegistry();
    const ended: string[] = [];
    registry.add({
      namespace: 'a',
      expire: (e: WatchExpiredError) => ended.push(`a ${e.message}`),
    });
    registry.add({ namespace: undefined, expire: () => ended.push('all') });
    registry.expireAll('routes changed');
    expect(ended).toEqual(['a routes changed', 'all']);
    expect(registry.size).toBe(0);
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

  it('forgets a watch once it is removed', () => {
    const registry = new WatchRegistry();
    const remove = registry.add({
      namespace: undefined,
      expire: () => expect.fail('expired after removal'),
    });
    remove();
    registry.expireAll('x');
  });
});
