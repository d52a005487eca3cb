import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { nextRevisionNumber, revisionsToDelete } from './revision-history.js';

const revisions = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ name: `web-${i + 1}`, revision: i + 1, spec: {} }));

describe('revisionsToDelete', () => {
  it('deletes the oldest beyond the limit', () => {
    expect(revisionsToDelete(revisions(5), 3, new Set(['web-5']))).toEqual(['web-1', 'web-2']);
  });

  it('never deletes the current or the previous revision, even when they are the oldest', () => {
    expect(revisionsToDelete(revisions(4), 2, new Set(['web-1', 'web-4']))).toEqual([
      'web-2',
      'web-3',
    ]);
  });

  it('keeps the two it must keep when the limit is lower', () => {
    expect(revisionsToDelete(revisions(3), 0, new Set(['web-2', 'web-3']))).toEqual(['web-1']);
  });

  test.prop([fc.nat({ max: 20 }), fc.nat({ max: 12 }), fc.nat({ max: 25 }), fc.nat({ max: 25 })])(
    'bounds the history by the limit or the kept revisions, and keeps those',
    (count, limit, current, previous) => {
      const all = revisions(count);
      const keep = new Set([`web-${current}`, `web-${previous}`]);
      const deleted = revisionsToDelete(all, limit, keep);
      const left = all.filter((revision) => !deleted.includes(revision.name));
      const kept = all.filter((revision) => keep.has(revision.name)).length;
      expect(left.length).toBeLessThanOrEqual(Math.max(limit, kept));
      expect(left.length).toBe(Math.min(count, Math.max(limit, kept)));
      for (const name of keep)
        if (all.some((r) => r.name === name)) expect(deleted).not.toContain(name);
    },
  );
});

describe('nextRevisionNumber', () => {
  it('is one more than the highest kept, and 1 for the first', () => {
    expect(nextRevisionNumber([])).toBe(1);
    expect(
      nextRevisionNumber([
        { name: 'a', revision: 7, spec: {} },
        { name: 'b', revision: 3, spec: {} },
      ]),
    ).toBe(8);
  });
});
