import type { CompiledRoutes } from './compiled-routes.js';
import { type Decision, decisionFor } from './decision.js';
import { type Ownership, owner } from './ownership.js';
import type { Target } from './target.js';

/**
 * The two phases the manager publishes when the revision changes (DESIGN §6, two-phase
 * handover): `Revoking` while proxies drop what moves, then `Settled` once every live pod
 * reported that it applied `Revoking`.
 */
export type HandoverPhase = 'Revoking' | 'Settled';

/**
 * What the manager publishes for a VirtualApp (its `status.routing`): the current revision's
 * compiled routes, the previous one's during a handover, and the phase. `previous` is absent on
 * the first publication; `Revoking` then means the current revision alone. The revision names
 * are optional and only used by `explainHandover`.
 */
export interface RoutingState {
  readonly phase: HandoverPhase;
  readonly current: CompiledRoutes;
  readonly previous?: CompiledRoutes;
  readonly currentRevision?: string;
  readonly previousRevision?: string;
}

/**
 * A target that the previous and the current revision disagree on, during `Revoking`: nobody
 * may see it until `Settled`. `previous` and `current` are each revision's own answer. For a
 * target whose object labels are not known yet, it means that no such object has an owner:
 * most because the revisions disagree, some perhaps because both exclude them.
 */
export interface Revoked {
  readonly kind: 'revoked';
  readonly previous: Ownership;
  readonly current: Ownership;
}

/**
 * Who owns a target under a {@link RoutingState}: an {@link Ownership} (where the revisions
 * agree, or under one revision), or {@link Revoked}. A `dependsOnObject` answer during
 * `Revoking` lists only the outcomes both revisions allow, and sets `mayBeRevoked` when some
 * such objects have no owner until `Settled`. Every answer but `revoked` is an `Ownership`.
 */
export type HandoverOwnership =
  | Exclude<Ownership, { readonly kind: 'dependsOnObject' }>
  | (Extract<Ownership, { readonly kind: 'dependsOnObject' }> & {
      readonly mayBeRevoked?: boolean;
    })
  | Revoked;

/**
 * May `subset` see or touch a target under a {@link RoutingState}? A {@link Decision}, or
 * `revoked`: nobody may until `Settled` (the ownership itself, with both revisions' answers).
 */
export type HandoverDecision = Decision | Revoked;

// The outcomes an ownership allows for one object: a subset name, or one of these two. Subset
// names are DNS labels, which cannot contain parentheses, so these never collide with one
// (`DEFAULT_SUBSET` relies on the same).
const PUBLIC_OUTCOME = '(public)';
const EXCLUDED_OUTCOME = '(excluded)';

const outcomes = (ownership: Ownership): string[] => {
  switch (ownership.kind) {
    case 'excluded':
      return [EXCLUDED_OUTCOME];
    case 'public':
      return [PUBLIC_OUTCOME];
    case 'owned':
      return [ownership.subset];
    case 'dependsOnObject':
      return [
        ...ownership.possibleOwners,
        ...(ownership.mayBePublic ? [PUBLIC_OUTCOME] : []),
        ...(ownership.mayBeExcluded ? [EXCLUDED_OUTCOME] : []),
      ];
  }
};

/**
 * The `Revoking` rule (DESIGN §6): a target keeps the answer on which `previous` and `current`
 * agree, and has no owner otherwise.
 * - Owned by the same subset in both: that subset owns it.
 * - Public in both: public. Excluded in both: excluded.
 * - Anything else is {@link Revoked}: owned by two different subsets; excluded in one and owned
 *   or public in the other; and public in one and owned in the other, because a public resource
 *   is seen by every subset, so it counts as owned by all of them and must never be visible to
 *   everyone in one phase and to a single owner in the next.
 *
 * Because the answer is either an answer of both revisions or no owner at all, a proxy on either
 * neighbouring phase (`Settled` on `previous`, or `Settled` on `current`) never disagrees with a
 * proxy on `Revoking` about who owns a target. When object labels are not known yet, the answer
 * keeps only the outcomes both revisions allow for such objects.
 */
export const agreedOwnership = (previous: Ownership, current: Ownership): HandoverOwnership => {
  if (previous === current) return current;
  if (previous.kind !== 'dependsOnObject' && current.kind !== 'dependsOnObject') {
    const agree =
      previous.kind === current.kind &&
      (previous.kind !== 'owned' || previous.subset === (current as typeof previous).subset);
    return agree ? current : { kind: 'revoked', previous, current };
  }
  // One object may get any outcome of each revision; we cannot tell which pairs go together,
  // so keep every outcome both allow, and assume some objects get different ones.
  const before = new Set(outcomes(previous));
  const both = outcomes(current).filter((outcome) => before.has(outcome));
  const possibleOwners = both.filter(
    (outcome) => outcome !== PUBLIC_OUTCOME && outcome !== EXCLUDED_OUTCOME,
  );
  const mayBePublic = both.includes(PUBLIC_OUTCOME);
  if (possibleOwners.length === 0 && !mayBePublic) return { kind: 'revoked', previous, current };
  return {
    kind: 'dependsOnObject',
    possibleOwners,
    mayBeExcluded: both.includes(EXCLUDED_OUTCOME),
    mayBePublic,
    mayBeRevoked: true,
  };
};

/**
 * The owner of `target` under `state`: `owner(current)` when `Settled` or on the first
 * publication, and {@link agreedOwnership} of both revisions during `Revoking`.
 */
export const handoverOwner = (state: RoutingState, target: Target): HandoverOwnership => {
  const current = owner(state.current, target);
  const previous = state.previous;
  if (state.phase === 'Settled' || previous === undefined || previous === state.current) {
    return current;
  }
  return agreedOwnership(owner(previous, target), current);
};

/** What a handover ownership means for one subset (see {@link HandoverDecision}). */
export const handoverDecisionFor = (
  ownership: HandoverOwnership,
  subset: string,
): HandoverDecision => (ownership.kind === 'revoked' ? ownership : decisionFor(ownership, subset));

/**
 * Decides whether `subset` may see or touch `target` under `state`, as `decide` does under one
 * revision. Subsets are named by their names: a subset keeps its identity (and its
 * leader-election lock) across revisions by keeping its name.
 */
export const handoverDecide = (
  state: RoutingState,
  target: Target,
  subset: string,
): HandoverDecision => handoverDecisionFor(handoverOwner(state, target), subset);
