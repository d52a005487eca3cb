import type { PolicyState, RuleState } from '@ctrlmesh/traffic-policy';
import type { AppliedPolicy } from './policy-store.js';

/** A breaker's state, as a report says it. */
export type BreakerStateName = NonNullable<RuleState['breaker']>;

/** Counts by a label (a rejection reason, a fault kind). */
export type LabelCounts = Readonly<Record<string, number>>;

/** What the proxy knows of its policies at one moment, by rule key (`<Kind>/<ns>/<policy>/<rule>`). */
export interface PolicyStateInput {
  /** The policies that apply to the proxy (those without rules too). */
  readonly applied: readonly AppliedPolicy[];
  /** The pod's namespace: every policy that applies is in it. */
  readonly namespace: string;
  /** The keys of every rule of the applied policies. */
  readonly rules: readonly string[];
  readonly breakers: ReadonlyMap<string, BreakerStateName>;
  readonly admitted: ReadonlyMap<string, number>;
  readonly rejected: ReadonlyMap<string, LabelCounts>;
  readonly injected: ReadonlyMap<string, LabelCounts>;
}

/**
 * The state of each applied policy, for `encodePolicyState`: every rule of it, with its breaker
 * state and the counts kept for its key. Counts of keys that are not a rule now are left out.
 * A rate limit and a breaker of one policy that share a name share one entry.
 */
export const collectPolicyState = (input: PolicyStateInput): PolicyState[] => {
  // A rate limit and a breaker of one policy may share a name, and with it a key (and metrics).
  const keys = [...new Set(input.rules)];
  return input.applied.map((policy) => {
    const prefix = `${policy.kind}/${input.namespace}/${policy.name}/`;
    const rules = keys
      .filter((key) => key.startsWith(prefix))
      .map((key): RuleState => {
        const breaker = input.breakers.get(key);
        const admitted = input.admitted.get(key);
        const rejected = input.rejected.get(key);
        const injected = input.injected.get(key);
        return {
          name: key.slice(prefix.length),
          ...(breaker === undefined ? {} : { breaker }),
          ...(admitted === undefined ? {} : { admitted }),
          ...(rejected === undefined ? {} : { rejected: { ...rejected } }),
          ...(injected === undefined ? {} : { injected: { ...injected } }),
        };
      });
    return { kind: policy.kind, name: policy.name, generation: policy.generation, rules };
  });
};

// What a reader must learn at once: which policies and generations apply, and breaker states.
const shapeOf = (state: readonly PolicyState[]): string =>
  JSON.stringify(
    [...state]
      .map((policy) => [
        policy.kind,
        policy.name,
        policy.generation,
        policy.rules.map((rule) => [rule.name, rule.breaker ?? '']).sort(),
      ])
      .sort(),
  );

/** How often a proxy writes its policy state (decision 0006). */
export interface ReportPace {
  /** Counts alone change the report at most this often. */
  readonly intervalMs: number;
  /** A breaker transition or a new policy generation is written after at least this long. */
  readonly minIntervalMs: number;
}

/**
 * How long until the report `next` is due, given the one written `sinceMs` ago (`written`,
 * its text `writtenText`; undefined when none was): 0 when it is due now, undefined when it
 * would change nothing. A change of breaker state, policy or generation is due after
 * `minIntervalMs`, a change of counts alone after `intervalMs`.
 */
export const reportDueInMs = (
  written: { readonly state: readonly PolicyState[]; readonly text: string } | undefined,
  next: { readonly state: readonly PolicyState[]; readonly text: string },
  sinceMs: number,
  pace: ReportPace,
): number | undefined => {
  if (written === undefined) return next.state.length === 0 ? undefined : 0;
  if (written.text === next.text) return undefined;
  const wait =
    shapeOf(written.state) === shapeOf(next.state) ? pace.intervalMs : pace.minIntervalMs;
  return Math.max(0, wait - sinceMs);
};
