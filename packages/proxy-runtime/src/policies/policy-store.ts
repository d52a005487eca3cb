import { type Clock, systemClock } from '@ctrlmesh/runtime-support';
import {
  breakerConfigFor,
  type CircuitBreaker,
  compilePolicySet,
  createCircuitBreaker,
  createFaultInjector,
  createRateLimiter,
  type FaultInjector,
  type PolicySet,
  type ProxyIdentity,
  policyAppliesTo,
  type RateLimiter,
} from '@ctrlmesh/traffic-policy';
import { breakerState } from '../observe/channels.js';
import type { RouteSnapshot } from '../routes/route-snapshot.js';
import { NO_POLICY_DOCUMENTS, type PolicyDocuments } from './policy-documents.js';

/**
 * The policies that apply to this proxy now, with the state of each rule (by its `key`): what the
 * traffic-policy stage reads once per request. Immutable but for the rules' own state.
 */
export interface ActivePolicies {
  /** No rule applies to this proxy: the stage hands requests on untouched. */
  readonly empty: boolean;
  readonly set: PolicySet;
  readonly limiters: ReadonlyMap<string, RateLimiter>;
  readonly breakers: ReadonlyMap<string, CircuitBreaker>;
  readonly injectors: ReadonlyMap<string, FaultInjector>;
  /** Requests each rate limit and breaker let through, by rule key: counted, never allocated per request. */
  readonly admitted: ReadonlyMap<string, AdmittedCount>;
}

/** How many requests one rule let through since the proxy started (while the rule exists). */
export interface AdmittedCount {
  count: number;
}

/** A policy that applies to this proxy, for its state report (decision 0006). */
export interface AppliedPolicy {
  readonly kind: 'TrafficPolicy' | 'FaultInjection';
  readonly name: string;
  /** `metadata.generation` of the version applied (0 without one, as in a file). */
  readonly generation: number;
}

/** Reads the active policies; what stages and the webhook front depend on. */
export interface Policies {
  current(): ActivePolicies;
}

const NO_IDENTITY: ProxyIdentity = {
  virtualApp: { name: '', namespace: '' },
  subset: '',
};

/** No policy at all: the state of a proxy given no policy source, or no routes yet. */
export const NO_POLICIES: ActivePolicies = Object.freeze({
  empty: true,
  set: compilePolicySet({}, NO_IDENTITY),
  limiters: new Map(),
  breakers: new Map(),
  injectors: new Map(),
  admitted: new Map(),
});

/** A fixed set of policies (none by default): for tests and proxies without a policy source. */
export class StaticPolicies implements Policies {
  constructor(private readonly active: ActivePolicies = NO_POLICIES) {}
  current(): ActivePolicies {
    return this.active;
  }
}

/** Which VirtualApp and subset a route snapshot makes this proxy, for `compilePolicySet`. */
export const identityOf = (snapshot: RouteSnapshot, podNamespace: string): ProxyIdentity => {
  const metadata = snapshot.app.metadata;
  return {
    virtualApp: {
      name: metadata?.name ?? '',
      namespace: metadata?.namespace ?? podNamespace,
      labels: metadata?.labels,
    },
    subset: snapshot.subset,
  };
};

const sameIdentity = (a: ProxyIdentity | undefined, b: ProxyIdentity | undefined): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

/** One rule's state and the rule it was made for: a rule that changes starts afresh. */
interface Held<T> {
  readonly fingerprint: string;
  readonly state: T;
}

const ruleName = (key: string): string => key.slice(key.lastIndexOf('/') + 1);

/**
 * Holds the policies of one source and the proxy's identity (its VirtualApp and subset, from the
 * routes), and compiles the rules that apply whenever either changes: one swap, so that a request
 * never sees half of an update. A rule's state (its bucket, breaker, fault count) is kept across
 * updates while the rule is unchanged, and starts afresh when it changes; breakers publish their
 * state on `breakerState`.
 */
export class PolicyStore implements Policies {
  readonly #clock: Clock;
  #documents: PolicyDocuments = NO_POLICY_DOCUMENTS;
  #identity: ProxyIdentity | undefined;
  #active: ActivePolicies = NO_POLICIES;
  #limiters = new Map<string, Held<RateLimiter>>();
  #breakers = new Map<string, Held<CircuitBreaker>>();
  #injectors = new Map<string, Held<FaultInjector>>();
  #admitted = new Map<string, AdmittedCount>();
  #applied: readonly AppliedPolicy[] = [];

  constructor(options: { readonly clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  current(): ActivePolicies {
    return this.#active;
  }

  /** The policies that apply to this proxy now, by kind and name. */
  applied(): readonly AppliedPolicy[] {
    return this.#applied;
  }

  /** The policies the source holds now (every one; those that do not apply are left out here). */
  setDocuments(documents: PolicyDocuments): void {
    this.#documents = documents;
    this.#compile();
  }

  /** Who this proxy is now; undefined without routes (then no policy applies). */
  setIdentity(identity: ProxyIdentity | undefined): void {
    if (sameIdentity(identity, this.#identity)) return;
    this.#identity = identity;
    this.#compile();
  }

  #compile(): void {
    const identity = this.#identity;
    const set =
      identity === undefined ? NO_POLICIES.set : compilePolicySet(this.#documents, identity);
    const limiters = keep(this.#limiters, set.rateLimits, (rule) => createRateLimiter(rule.rule));
    const injectors = keep(this.#injectors, set.faults, (fault) => createFaultInjector(fault.plan));
    const now = this.#clock.now();
    const breakers = keep(this.#breakers, set.circuitBreakers, (rule) => {
      const [policy, name] = [rule.policy, rule.rule.name];
      const breaker = createCircuitBreaker(breakerConfigFor(rule.rule), {
        onTransition: (t) =>
          breakerState.publish({ policy, rule: name, state: t.to, reason: t.reason }),
      });
      breakerState.publish({ policy, rule: name, state: breaker.state(now), reason: 'Created' });
      return breaker;
    });
    for (const [key] of this.#breakers)
      if (!breakers.has(key))
        breakerState.publish({
          policy: key.split('/').slice(1, 3).join('/'),
          rule: ruleName(key),
          state: 'Closed',
          reason: 'Removed',
        });
    this.#limiters = limiters;
    this.#breakers = breakers;
    this.#injectors = injectors;
    // Counts are since the start: they go only with their rule.
    const admitted = new Map<string, AdmittedCount>();
    for (const { key } of [...set.rateLimits, ...set.circuitBreakers])
      admitted.set(key, this.#admitted.get(key) ?? { count: 0 });
    this.#admitted = admitted;
    this.#applied = identity === undefined ? [] : appliedPolicies(this.#documents, identity);
    // The common case, nothing applies, is the one shared value.
    this.#active = set.empty
      ? NO_POLICIES
      : {
          empty: set.empty,
          set,
          limiters: stateOf(limiters),
          breakers: stateOf(breakers),
          injectors: stateOf(injectors),
          admitted,
        };
  }
}

const appliedPolicies = (documents: PolicyDocuments, identity: ProxyIdentity): AppliedPolicy[] =>
  [...documents.trafficPolicies, ...documents.faultInjections]
    .filter((policy) => policyAppliesTo(policy, identity))
    .map((policy) => ({
      kind: policy.kind,
      name: policy.metadata?.name ?? '',
      generation: policy.metadata?.generation ?? 0,
    }));

const keep = <R extends { readonly key: string; readonly rule: unknown }, T>(
  held: ReadonlyMap<string, Held<T>>,
  rules: readonly R[],
  make: (rule: R) => T,
): Map<string, Held<T>> => {
  const next = new Map<string, Held<T>>();
  for (const rule of rules) {
    const fingerprint = JSON.stringify(rule.rule);
    const before = held.get(rule.key);
    next.set(
      rule.key,
      before !== undefined && before.fingerprint === fingerprint
        ? before
        : { fingerprint, state: make(rule) },
    );
  }
  return next;
};

const stateOf = <T>(held: ReadonlyMap<string, Held<T>>): ReadonlyMap<string, T> =>
  new Map([...held].map(([key, { state }]) => [key, state]));
