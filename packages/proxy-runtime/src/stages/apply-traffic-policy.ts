import { Readable } from 'node:stream';
import { type Clock, systemClock } from '@ctrlmesh/runtime-support';
import {
  type BreakerPermit,
  type MatchedRules,
  NO_RULES,
  type RateLimitAdmission,
  type RequestOutcome,
  tryAcquireAll,
} from '@ctrlmesh/traffic-policy';
import type { NamespaceLabels } from '../namespaces/namespace-labels.js';
import { faultInjected, policyRejection } from '../observe/channels.js';
import type { ProxyResponse } from '../pipeline/exchange.js';
import type { Handler, Stage } from '../pipeline/stage.js';
import type { ActivePolicies, Policies } from '../policies/policy-store.js';
import type { StreamFaults } from '../policies/stream-faults.js';
import {
  CircuitOpenError,
  InjectedFaultError,
  isProxyError,
  RateLimitedError,
} from '../status/proxy-error.js';
import { upstreamFailure } from '../upstream/upstream-failure.js';
import type { Decided } from './decide-ownership.js';

/** What {@link applyTrafficPolicy} needs. */
export interface TrafficPolicyDeps {
  readonly policies: Policies;
  /** Namespace selectors of policies read the labels known now; an unknown namespace matches none. */
  readonly namespaces: NamespaceLabels;
  /** The time decisions are made at and delays wait on; the system clock by default. */
  readonly clock?: Clock;
  /** Draws for fault probabilities, in [0, 1); `Math.random` by default. */
  readonly random?: () => number;
}

const NOTHING = (): void => undefined;

// Failures of the apiserver connection itself: what a breaker's `transport` failure code means.
const TRANSPORT_CODES = new Set(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT', 'UPSTREAM_UNTRUSTED']);

/**
 * What a thrown error says about the apiserver's health: an injected abort counts as the answer it
 * stands for (so that a FaultInjection can exercise a breaker), a failed connection as a transport
 * error; the proxy's own refusals (403 outside the slice, 400) say nothing, and are not counted.
 */
const outcomeOf = (error: unknown, signal: AbortSignal): RequestOutcome | undefined => {
  if (signal.aborted) return undefined;
  const failure = isProxyError(error) ? error : upstreamFailure(error);
  if (failure === undefined) return undefined;
  if (failure.code === 'INJECTED_FAULT')
    return { code: (failure as InjectedFaultError).status.code };
  return TRANSPORT_CODES.has(failure.code) ? { transportError: true } : undefined;
};

// A short request holds its in-flight slot until its answer is sent; a long-running one (a watch,
// exec) only until it is open (DESIGN §8), or it would hold the slot for its whole life.
const releaseWhenDone = (response: ProxyResponse, longRunning: boolean, release: () => void) => {
  if (!longRunning && response.body instanceof Readable && !response.body.destroyed)
    response.body.once('close', release);
  else release();
};

/**
 * Applies the TrafficPolicies and FaultInjections that match a request (DESIGN §8), after its
 * ownership is decided and before it is forwarded: open circuit breakers answer 503 and rate limits
 * 429 (each a `metav1.Status` with `Retry-After`; a refused request takes no token), then request
 * faults delay or abort it; watch cuts and slow lists go on the exchange for the filter. The
 * breakers learn from the answer: its code, or a transport error. With no policy, or none that
 * matches, the request goes on with one check (`NO_RULES`).
 */
export const applyTrafficPolicy = (deps: TrafficPolicyDeps): Stage<Decided> => {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? Math.random;
  const namespaceLabels = (name: string) => deps.namespaces.known().get(name);
  return (next) => async (exchange) => {
    const active = deps.policies.current();
    if (active.empty) return next(exchange);
    const matched = active.set.match(exchange.api, {
      userAgent: exchange.userAgent,
      namespaceLabels,
    });
    if (matched === NO_RULES) return next(exchange);
    return govern(exchange, matched, active, next, clock, random);
  };
};

const govern = async (
  exchange: Decided,
  matched: MatchedRules,
  active: ActivePolicies,
  next: Handler<Decided>,
  clock: Clock,
  random: () => number,
): Promise<ProxyResponse> => {
  const now = clock.now();
  const permits = admitBreakers(matched, active, now);
  let release = NOTHING;
  try {
    release = admitLimits(matched, active, now);
  } catch (error) {
    for (const permit of permits) permit.cancel();
    throw error;
  }
  countAdmitted(matched, active);
  try {
    const streamFaults = await injectFaults(exchange, matched, active, clock, random);
    const response = await next(
      streamFaults === undefined ? exchange : { ...exchange, streamFaults },
    );
    const end = clock.now();
    for (const permit of permits) permit.report({ code: response.status }, end);
    releaseWhenDone(response, exchange.request.info.longRunning, release);
    return response;
  } catch (error) {
    const outcome = outcomeOf(error, exchange.signal);
    const end = clock.now();
    for (const permit of permits) {
      if (outcome === undefined) permit.cancel();
      else permit.report(outcome, end);
    }
    release();
    throw error;
  }
};

// A number in a held object per rule: the report reads it (decision 0006); nothing is allocated.
const countAdmitted = (matched: MatchedRules, active: ActivePolicies): void => {
  for (const rule of matched.rateLimits) {
    const admitted = active.admitted.get(rule.key);
    if (admitted !== undefined) admitted.count += 1;
  }
  for (const rule of matched.circuitBreakers) {
    const admitted = active.admitted.get(rule.key);
    if (admitted !== undefined) admitted.count += 1;
  }
};

// Every matching breaker must admit; a refusal gives back the permits already taken.
const admitBreakers = (
  matched: MatchedRules,
  active: ActivePolicies,
  now: number,
): BreakerPermit[] => {
  const permits: BreakerPermit[] = [];
  for (const rule of matched.circuitBreakers) {
    const permit = active.breakers.get(rule.key)?.tryAcquire(now);
    if (permit === undefined) continue;
    if (!permit.admitted) {
      for (const taken of permits) taken.cancel();
      policyRejection.publish({ policy: rule.policy, rule: rule.rule.name, reason: 'CircuitOpen' });
      throw new CircuitOpenError(
        rule.policy,
        rule.rule.name,
        permit.state,
        permit.retryAfterSeconds,
      );
    }
    permits.push(permit);
  }
  return permits;
};

// Through every matching limit or none (tryAcquireAll); the refusal named is the longest wait's.
const admitLimits = (matched: MatchedRules, active: ActivePolicies, now: number): (() => void) => {
  if (matched.rateLimits.length === 0) return NOTHING;
  const limiters = [];
  let refusal:
    | { rule: (typeof matched.rateLimits)[number]; answer: RateLimitAdmission }
    | undefined;
  for (const rule of matched.rateLimits) {
    const limiter = active.limiters.get(rule.key);
    if (limiter === undefined) continue;
    limiters.push(limiter);
    const answer = limiter.peek(now);
    if (
      !answer.admitted &&
      (refusal === undefined ||
        (!refusal.answer.admitted && answer.retryAfterSeconds > refusal.answer.retryAfterSeconds))
    )
      refusal = { rule, answer };
  }
  if (refusal !== undefined && !refusal.answer.admitted) {
    const { rule, answer } = refusal;
    policyRejection.publish({ policy: rule.policy, rule: rule.rule.name, reason: answer.reason });
    throw new RateLimitedError(
      rule.policy,
      rule.rule.name,
      answer.reason,
      answer.retryAfterSeconds,
    );
  }
  const admission = tryAcquireAll(limiters, now);
  return admission.admitted ? admission.release : NOTHING;
};

// Delays wait here, aborts answer here; watch cuts and slow lists are left to the filter.
const injectFaults = async (
  exchange: Decided,
  matched: MatchedRules,
  active: ActivePolicies,
  clock: Clock,
  random: () => number,
): Promise<StreamFaults | undefined> => {
  let streamFaults: StreamFaults | undefined;
  for (const fault of matched.faults) {
    const decision = active.injectors.get(fault.key)?.decide(clock.now(), random);
    if (decision === undefined || decision.kind === 'none') continue;
    const source = { policy: fault.policy, fault: fault.rule.name };
    switch (decision.kind) {
      case 'delay':
        faultInjected.publish({ ...source, kind: 'delay', code: 0 });
        await clock.sleep(decision.delayMs, exchange.signal);
        // The client left while it waited: nothing of it may still reach the apiserver.
        exchange.signal.throwIfAborted();
        break;
      case 'abort':
        faultInjected.publish({ ...source, kind: 'abort', code: decision.status.code });
        throw new InjectedFaultError(decision.status);
      case 'watch':
        // Counted when the filter cuts the watch: a watch that ends sooner was never cut.
        streamFaults = { ...streamFaults, watch: { ...source, plan: decision.plan } };
        break;
      case 'slowList':
        streamFaults = { ...streamFaults, slowList: { ...source, delayFor: decision.delayFor } };
        break;
    }
  }
  return streamFaults;
};
