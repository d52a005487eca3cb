import type { Decision, Ownership } from '@ctrlmesh/route-engine';
import type { DecisionLabel } from '../observe/channels.js';

/**
 * The metrics label of a final decision: `public` for a public resource (which `decide` reports as
 * plainly allowed), `owned`, `denied` or `excluded`. A `dependsOnObject` decision is not final: the
 * object's own labels decide (`checkObject`), which then records the label.
 */
export const decisionLabel = (ownership: Ownership, decision: Decision): DecisionLabel => {
  switch (decision.kind) {
    case 'allowed':
      return ownership.kind === 'public' ? 'public' : 'owned';
    case 'denied':
      return 'denied';
    case 'excluded':
      return 'excluded';
    case 'dependsOnObject':
      return 'unknown';
  }
};
