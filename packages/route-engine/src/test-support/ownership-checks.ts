import type { HandoverOwnership } from '../handover.js';

/**
 * Can `partial`, an answer given before the object's labels are known, stand for `full`, the
 * answer with them? A `dependsOnObject` must allow for the outcome the labels led to; any other
 * answer must not change once the labels are known. Takes plain `Ownership` too.
 */
export const mayBe = (partial: HandoverOwnership, full: HandoverOwnership): boolean => {
  switch (partial.kind) {
    case 'dependsOnObject':
      switch (full.kind) {
        case 'excluded':
          return partial.mayBeExcluded;
        case 'public':
          return partial.mayBePublic;
        case 'owned':
          return partial.possibleOwners.includes(full.subset);
        case 'revoked':
          return partial.mayBeRevoked === true;
        case 'dependsOnObject':
          return false;
      }
      break;
    // A list that has no owner at all: some of its objects may be excluded by both revisions.
    case 'revoked':
      return full.kind === 'revoked' || full.kind === 'excluded';
    default:
      return JSON.stringify(partial) === JSON.stringify(full);
  }
};

/**
 * Which of `subsets` (every subset in play) may see a target of this ownership: its owner alone,
 * all of them when it is public, none when it is excluded; `undefined` for an answer that is not
 * one of these three (revoked, or depending on the object).
 */
export const seersOf = (
  ownership: HandoverOwnership,
  subsets: readonly string[],
): readonly string[] | undefined => {
  switch (ownership.kind) {
    case 'owned':
      return [ownership.subset];
    case 'public':
      return subsets;
    case 'excluded':
      return [];
    default:
      return undefined;
  }
};
