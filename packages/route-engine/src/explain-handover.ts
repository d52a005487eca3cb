import type { CompiledRoutes } from './compiled-routes.js';
import { describeTarget } from './explain.js';
import { agreedOwnership, type HandoverOwnership, type RoutingState } from './handover.js';
import { evaluateOwnership, type Ownership } from './ownership.js';
import type { Target } from './target.js';

/** A handover ownership with the chain of reasons, in plain sentences, for people and the CLI. */
export interface HandoverExplanation {
  readonly ownership: HandoverOwnership;
  readonly reasons: readonly string[];
}

const describeOwnership = (ownership: Ownership): string => {
  switch (ownership.kind) {
    case 'excluded':
      return 'it is excluded';
    case 'public':
      return 'it is public';
    case 'owned':
      return `subset "${ownership.subset}" owns it`;
    case 'dependsOnObject': {
      const details = [
        `possible owners ${ownership.possibleOwners.map((s) => `"${s}"`).join(', ') || 'none'}`,
        ...(ownership.mayBeExcluded ? ['may be excluded'] : []),
        ...(ownership.mayBePublic ? ['may be public'] : []),
      ];
      return `it depends on the object (${details.join('; ')})`;
    }
  }
};

const revisionName = (name: string | undefined, fallback: string): string =>
  name === undefined ? fallback : `revision "${name}"`;

/** Reasons of one revision, each prefixed with the revision it comes from. */
const explainRevision = (
  routes: CompiledRoutes,
  target: Target,
  revision: string,
  reasons: string[],
): Ownership => {
  const own: string[] = [];
  const ownership = evaluateOwnership(routes, target, own);
  for (const reason of own) reasons.push(`${revision}: ${reason}`);
  return ownership;
};

/**
 * Explains who owns `target` under `state` and why; `ownership` always equals
 * `handoverOwner(state, target)`. During `Revoking` it gives both revisions' reasons and says
 * whether they agree, or that the target has no owner until `Settled`.
 */
export const explainHandover = (state: RoutingState, target: Target): HandoverExplanation => {
  const reasons = [describeTarget(target)];
  const current = revisionName(state.currentRevision, 'the current revision');
  const { previous: previousRoutes } = state;
  if (state.phase === 'Settled' || previousRoutes === undefined) {
    reasons.push(
      state.phase === 'Settled'
        ? `phase Settled: ${current} alone decides`
        : `phase Revoking on the first publication: ${current} alone decides`,
    );
    return { ownership: evaluateOwnership(state.current, target, reasons), reasons };
  }
  const previous = revisionName(state.previousRevision, 'the previous revision');
  reasons.push(
    `phase Revoking: a target keeps its owner only where ${previous} and ${current} agree`,
  );
  const before = explainRevision(previousRoutes, target, previous, reasons);
  const after = explainRevision(state.current, target, current, reasons);
  const ownership: HandoverOwnership =
    previousRoutes === state.current ? after : agreedOwnership(before, after);
  const says = `${previous} says ${describeOwnership(before)}, ${current} says ${describeOwnership(after)}`;
  if (ownership.kind === 'revoked') {
    // Public counts as owned by every subset, so public and owned never coexist (DESIGN §6).
    const publicToOne = (before.kind === 'public') !== (after.kind === 'public');
    reasons.push(
      `handover: ${says}: no owner until Settled${publicToOne ? ' (a public target is seen by every subset, so it counts as owned by all of them)' : ''}`,
    );
  } else if (ownership.kind === 'dependsOnObject' && ownership.mayBeRevoked) {
    reasons.push(
      `handover: ${says}: an object keeps its owner only where both agree, and has none until Settled otherwise`,
    );
  } else {
    reasons.push(`handover: ${previous} and ${current} agree: ${describeOwnership(after)}`);
  }
  return { ownership, reasons };
};
