import { describe, expect, it } from 'vitest';
import { RECONCILED_BY, stampPatch, WATCH_LABEL, watchSelector } from './reconcile.js';

const labelled = { [WATCH_LABEL]: 'true' };
const asP0 = { stamp: 'p-0@v1', watchValue: 'true' };

describe('stampPatch', () => {
  it('sets only the reconciled-by annotation with a merge patch', () => {
    expect(
      stampPatch({ metadata: { labels: labelled, annotations: { keep: 'me' } } }, asP0),
    ).toEqual({
      metadata: { annotations: { [RECONCILED_BY]: 'p-0@v1' } },
    });
  });

  it('replaces the stamp of another replica or version', () => {
    const object = { metadata: { labels: labelled, annotations: { [RECONCILED_BY]: 'p-1@v1' } } };
    expect(stampPatch(object, { stamp: 'p-0@v2', watchValue: 'true' })).toBeDefined();
  });

  it('does nothing when the stamp is already there', () => {
    const object = { metadata: { labels: labelled, annotations: { [RECONCILED_BY]: 'p-0@v1' } } };
    expect(stampPatch(object, asP0)).toBeUndefined();
  });

  it('ignores objects without the watch label set to the watch value', () => {
    expect(stampPatch({ metadata: {} }, asP0)).toBeUndefined();
    expect(stampPatch({ metadata: { labels: { [WATCH_LABEL]: 'false' } } }, asP0)).toBeUndefined();
    expect(stampPatch({}, asP0)).toBeUndefined();
  });

  it('stamps only objects labelled with its own watch value, not the default', () => {
    const mine = { stamp: 'p-0@v1', watchValue: 'run-1a2b3c' };
    expect(stampPatch({ metadata: { labels: labelled } }, mine)).toBeUndefined();
    expect(
      stampPatch({ metadata: { labels: { [WATCH_LABEL]: 'run-ffffff' } } }, mine),
    ).toBeUndefined();
    expect(stampPatch({ metadata: { labels: { [WATCH_LABEL]: 'run-1a2b3c' } } }, mine)).toEqual({
      metadata: { annotations: { [RECONCILED_BY]: 'p-0@v1' } },
    });
  });
});

describe('watchSelector', () => {
  it('selects the watch label with the given value', () => {
    expect(watchSelector('true')).toBe('e2e.ctrlmesh.io/watch=true');
    expect(watchSelector('run-1a2b3c')).toBe('e2e.ctrlmesh.io/watch=run-1a2b3c');
  });
});
