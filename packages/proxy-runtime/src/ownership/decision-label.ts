import type { HandoverDecision, HandoverOwnership } from '@ctrlmesh/route-engine';
import type { DecisionLabel } from '../observe/channels.js';

/**
 * The metrics label of a final decision: `public` for a public resource (which `decide` reports as
 * plainly allowed), `owned`, `denied`, `excluded` or `revoked` (handed over between revisions). A
 * `dependsOnObject` decision is not final: the object's own labels decide (`checkObject`), which
 * then records the label.
 */
export const decisionLabel = (
  ownership: HandoverOwnership,
  decision: HandoverDecision,
): DecisionLabel => {
  switch (decision.kind) {
    case 'allowed':
      return ownership.kind === 'public' ? 'public' : 'owned';
    case 'denied':
      return 'denied';
    case 'excluded':
      return 'excluded';
    case 'revoked':
      return 'revoked';
    case 'dependsOnObject':
      return 'unknown';
  }
};
