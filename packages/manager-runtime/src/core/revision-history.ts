import type { RevisionView } from './views.js';

/**
 * The revisions to delete so that at most `limit` are kept: the oldest (lowest `revision`) go
 * first, and the ones named in `keep` (the current and the previous revision) never go, so the
 * history may hold more than `limit` only when `limit` is below the two it must keep.
 */
export const revisionsToDelete = (
  revisions: readonly RevisionView[],
  limit: number,
  keep: ReadonlySet<string>,
): string[] => {
  const excess = revisions.length - Math.max(0, limit);
  if (excess <= 0) return [];
  return [...revisions]
    .filter((revision) => !keep.has(revision.name))
    .sort((a, b) => a.revision - b.revision || (a.name < b.name ? -1 : 1))
    .slice(0, excess)
    .map((revision) => revision.name);
};

/** The number a new revision gets: one more than the highest kept (1 for the first). */
export const nextRevisionNumber = (revisions: readonly RevisionView[]): number =>
  revisions.reduce((max, revision) => Math.max(max, revision.revision), 0) + 1;
