import { Set as ImmutableSet } from 'immutable';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from './kube-object.js';
import { type WatchOpening, WatchVisibility } from './watch-visibility.js';

const cm = (name: string, rv: string): KubeObject => ({
  kind: 'ConfigMap',
  apiVersion: 'v1',
  metadata: { name, namespace: 'ns', resourceVersion: rv, labels: { secret: 'yes' } },
});

const resumed: WatchOpening = { bookmarks: true, sendInitialEvents: false, fromExactVersion: true };

describe('WatchVisibility', () => {
  it('forwards events of objects in the slice and remembers them', () => {
    const watch = new WatchVisibility([], resumed);
    expect(watch.next({ type: 'ADDED', object: cm('a', '5') }, true)).toEqual({ kind: 'forward' });
    expect(watch.next({ type: 'MODIFIED', object: cm('a', '6') }, true)).toEqual({
      kind: 'forward',
    });
    expect(new Set(watch.shownKeys())).toEqual(new Set(['ns/a']));
    expect(watch.lastResourceVersion).toBe('6');
  });

  it('turns an object moving out of the slice into DELETED, and moving in into ADDED', () => {
    const watch = new WatchVisibility(['ns/a'], resumed);
    expect(watch.next({ type: 'MODIFIED', object: cm('a', '7') }, false)).toEqual({
      kind: 'retype',
      type: 'DELETED',
    });
    expect(watch.next({ type: 'MODIFIED', object: cm('a', '8') }, true)).toEqual({
      kind: 'retype',
      type: 'ADDED',
    });
    expect(watch.shownKeys().has('ns/a')).toBe(true);
  });

  it('starts from the very set it was seeded with, so that the positions it reaches share it', () => {
    const seed = ImmutableSet(['ns/a', 'ns/b']);
    const watch = new WatchVisibility(seed, resumed);
    expect(watch.shownKeys()).toBe(seed);
    watch.next({ type: 'MODIFIED', object: cm('a', '5') }, true);
    expect(watch.shownKeys()).toBe(seed);
  });

  it('tells each position it reaches with what the client holds there, as it decides the event', () => {
    const reached: [string, string[]][] = [];
    const watch = new WatchVisibility(['ns/a'], { ...resumed, bookmarks: false }, (rv, held) =>
      reached.push([rv, [...held].sort()]),
    );
    watch.next({ type: 'ADDED', object: cm('b', '5') }, true);
    watch.next({ type: 'MODIFIED', object: cm('c', '6') }, false);
    watch.next({ type: 'MODIFIED', object: cm('a', '7') }, false);
    expect(reached).toEqual([
      ['5', ['ns/a', 'ns/b']],
      ['7', ['ns/b']],
    ]);
  });

  it('replaces a dropped event by a BOOKMARK carrying only the resourceVersion', () => {
    const watch = new WatchVisibility([], resumed);
    expect(watch.next({ type: 'MODIFIED', object: cm('b', '9') }, false)).toEqual({
      kind: 'bookmark',
      object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '9' } },
    });
    expect(watch.lastResourceVersion).toBe('9');
  });

  it('drops silently when the client did not ask for bookmarks', () => {
    const watch = new WatchVisibility([], { ...resumed, bookmarks: false });
    expect(watch.next({ type: 'DELETED', object: cm('b', '9') }, false)).toEqual({ kind: 'drop' });
  });

  it('never bookmarks during initial events, and does after the marked end', () => {
    const watch = new WatchVisibility([], {
      bookmarks: true,
      sendInitialEvents: true,
      fromExactVersion: false,
    });
    expect(watch.next({ type: 'ADDED', object: cm('b', '3') }, false)).toEqual({ kind: 'drop' });
    expect(watch.next({ type: 'ADDED', object: cm('a', '2') }, true)).toEqual({ kind: 'forward' });
    expect(watch.lastResourceVersion).toBeUndefined();
    const end = {
      kind: 'ConfigMap',
      metadata: { resourceVersion: '10', annotations: { 'k8s.io/initial-events-end': 'true' } },
    } as KubeObject;
    expect(watch.next({ type: 'BOOKMARK', object: end }, false)).toEqual({ kind: 'forward' });
    expect(watch.lastResourceVersion).toBe('10');
    expect(watch.next({ type: 'MODIFIED', object: cm('b', '11') }, false).kind).toBe('bookmark');
  });

  it('does not bookmark the synthetic ADDED events of a watch from resourceVersion 0', () => {
    const watch = new WatchVisibility([], {
      bookmarks: true,
      sendInitialEvents: false,
      fromExactVersion: false,
    });
    expect(watch.next({ type: 'ADDED', object: cm('b', '3') }, false)).toEqual({ kind: 'drop' });
  });

  it('forwards DELETED for a shown object even when it is no longer visible', () => {
    const watch = new WatchVisibility(['ns/a'], resumed);
    expect(watch.next({ type: 'DELETED', object: cm('a', '12') }, false)).toEqual({
      kind: 'forward',
    });
    expect(watch.shownKeys().size).toBe(0);
  });

  it('passes BOOKMARK and ERROR events through', () => {
    const watch = new WatchVisibility([], resumed);
    expect(watch.next({ type: 'ERROR', object: { kind: 'Status' } }, false)).toEqual({
      kind: 'forward',
    });
    expect(
      watch.next({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '20' } } }, false),
    ).toEqual({
      kind: 'forward',
    });
  });
});
