import { describe, expect, it } from 'vitest';
import { RECONCILED_BY, stampPatch, WATCH_LABEL } from './reconcile.js';

const labelled = { [WATCH_LABEL]: 'true' };

describe('stampPatch', () => {
  it('sets only the reconciled-by annotation with a merge patch', () => {
    expect(
      stampPatch({ metadata: { labels: labelled, annotations: { keep: 'me' } } }, 'p-0@v1'),
    ).toEqual({
      metadata: { annotations: { [RECONCILED_BY]: 'p-0@v1' } },
    });
  });

  it('replaces the stamp of another replica or version', () => {
    const object = { metadata: { labels: labelled, annotations: { [RECONCILED_BY]: 'p-1@v1' } } };
    expect(stampPatch(object, 'p-0@v2')).toBeDefined();
  });

  it('does nothing when the stamp is already there', () => {
    const object = { metadata: { labels: labelled, annotations: { [RECONCILED_BY]: 'p-0@v1' } } };
    expect(stampPatch(object, 'p-0@v1')).toBeUndefined();
  });

  it('ignores objects without the watch label set to true', () => {
    expect(stampPatch({ metadata: {} }, 'p-0@v1')).toBeUndefined();
    expect(
      stampPatch({ metadata: { labels: { [WATCH_LABEL]: 'false' } } }, 'p-0@v1'),
    ).toBeUndefined();
    expect(stampPatch({}, 'p-0@v1')).toBeUndefined();
  });
});
