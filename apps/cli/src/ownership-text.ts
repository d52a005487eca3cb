import type { Decision, Ownership } from '@ctrlmesh/route-engine';

/**
 * An ownership in one short phrase: the subset's name, `excluded`, `public`, or what it depends
 * on (`depends on the object: v2 | (default) | excluded`).
 */
export const ownershipText = (ownership: Ownership): string => {
  switch (ownership.kind) {
    case 'owned':
      return ownership.subset;
    case 'excluded':
    case 'public':
      return ownership.kind;
    case 'dependsOnObject': {
      const outcomes = [
        ...ownership.possibleOwners,
        ...(ownership.mayBePublic ? ['public'] : []),
        ...(ownership.mayBeExcluded ? ['excluded'] : []),
      ];
      return `depends on the object: ${outcomes.join(' | ')}`;
    }
  }
};

/** A decision for a pod in the words of cases files: `allow`, `deny` or `filter`. */
export const decisionWord = (decision: Decision): 'allow' | 'deny' | 'filter' => {
  switch (decision.kind) {
    case 'allowed':
      return 'allow';
    case 'denied':
    case 'excluded':
      return 'deny';
    case 'dependsOnObject':
      return 'filter';
  }
};

/** A decision with its detail: `deny (owned by v2)`, `deny (excluded)`. */
export const decisionText = (decision: Decision): string => {
  switch (decision.kind) {
    case 'allowed':
      return 'allow';
    case 'denied':
      return `deny (owned by ${decision.owner})`;
    case 'excluded':
      return 'deny (excluded)';
    case 'dependsOnObject':
      return 'filter (decided per object)';
  }
};
