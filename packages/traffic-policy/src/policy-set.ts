import {
  fromStructuredSelector,
  type Labels,
  matchesLabels,
  type ResourceRequest,
} from '@ctrlmesh/route-engine';
import { compileFault, type FaultPlan } from './fault-decision.js';
import type { FaultInjection, FaultKind, FaultRule } from './fault-injection.js';
import {
  compileRequestMatcher,
  type PolicyRequest,
  type RequestContext,
  type RequestMatcher,
} from './request-matcher.js';
import type { RequestRule, TargetVirtualApp } from './request-rule.js';
import type { CircuitBreakerRule, RateLimitRule, TrafficPolicy } from './traffic-policy.js';

/** Who is asking: the proxy's VirtualApp and subset (route-engine's `DEFAULT_SUBSET` for none). */
export interface ProxyIdentity {
  readonly virtualApp: {
    readonly name: string;
    readonly namespace: string;
    readonly labels?: Labels | undefined;
  };
  readonly subset: string;
}

/** One rule of one policy, compiled; `key` names it for state, metrics and status. */
export interface CompiledRule<R> {
  /** `<Kind>/<namespace>/<policy>/<rule>`: unique across policies, stable across updates. */
  readonly key: string;
  /** `<namespace>/<policy>`. */
  readonly policy: string;
  readonly rule: R;
  readonly matches: RequestMatcher;
}

/** A rate limit rule of a TrafficPolicy that applies to this proxy. */
export type CompiledRateLimit = CompiledRule<RateLimitRule>;
/** A circuit breaker rule of a TrafficPolicy that applies to this proxy. */
export type CompiledBreaker = CompiledRule<CircuitBreakerRule>;
/** A fault of a FaultInjection that applies to this proxy, with its kind. */
export interface CompiledFault extends CompiledRule<FaultRule> {
  readonly kind: FaultKind;
  /** Ready for `decideFault` / `createFaultInjector`. */
  readonly plan: FaultPlan;
}

/** The rules that apply to one request. */
export interface MatchedRules {
  readonly rateLimits: readonly CompiledRateLimit[];
  readonly circuitBreakers: readonly CompiledBreaker[];
  /** Delays and aborts; watch faults for watches; slow lists for lists. Never admission faults. */
  readonly faults: readonly CompiledFault[];
}

/** The answer when no rule applies: one frozen value, so that the common case allocates nothing. */
export const NO_RULES: MatchedRules = Object.freeze({
  rateLimits: Object.freeze([]),
  circuitBreakers: Object.freeze([]),
  faults: Object.freeze([]),
});

/** Every policy rule that applies to one proxy, ready to answer per request. */
export interface PolicySet {
  /** True when no rule applies to this proxy: the proxy can skip the policies entirely. */
  readonly empty: boolean;
  readonly rateLimits: readonly CompiledRateLimit[];
  readonly circuitBreakers: readonly CompiledBreaker[];
  /** Every fault, admission faults included. */
  readonly faults: readonly CompiledFault[];
  /** The rules that apply to a request; {@link NO_RULES} (the same object) when none does. */
  readonly match: (request: PolicyRequest, context: RequestContext) => MatchedRules;
  /** The admission faults for an AdmissionReview about `request` (verb from its operation). */
  readonly matchAdmission: (
    request: ResourceRequest,
    context: RequestContext,
  ) => readonly CompiledFault[];
}

/** What {@link policyAppliesTo} reads of a policy. */
export interface PolicyLike {
  readonly kind: string;
  readonly metadata?: {
    readonly name?: string | undefined;
    readonly namespace?: string | undefined;
  };
  readonly spec: { readonly targetVirtualApps: readonly TargetVirtualApp[] };
}

const targetsProxy = (target: TargetVirtualApp, proxy: ProxyIdentity): boolean => {
  if (target.name !== undefined && target.name !== proxy.virtualApp.name) return false;
  if (target.selector !== undefined) {
    const selector = fromStructuredSelector(target.selector);
    if (!selector.ok) throw new TypeError(`invalid selector: ${selector.problems[0]?.message}`);
    if (!matchesLabels(selector.value, proxy.virtualApp.labels ?? {})) return false;
  }
  return target.specificSubsets === undefined || target.specificSubsets.includes(proxy.subset);
};

/**
 * Does `policy` apply to a proxy of this identity: same namespace as its VirtualApp (a policy
 * selects VirtualApps of its own namespace only, as the original's did), and a target that names
 * or selects the VirtualApp and its subset? The manager asks it to know which pods must report a
 * policy (decision 0006).
 */
export const policyAppliesTo = (policy: PolicyLike, proxy: ProxyIdentity): boolean =>
  (policy.metadata?.namespace ?? 'default') === proxy.virtualApp.namespace &&
  policy.spec.targetVirtualApps.some((target) => targetsProxy(target, proxy));

const compileRules = <R extends { readonly name: string; readonly match?: RequestRule[] }>(
  policy: PolicyLike,
  rules: readonly R[] | undefined,
): CompiledRule<R>[] => {
  const namespace = policy.metadata?.namespace ?? 'default';
  const name = policy.metadata?.name ?? '';
  return (rules ?? []).map((rule) => ({
    key: `${policy.kind}/${namespace}/${name}/${rule.name}`,
    policy: `${namespace}/${name}`,
    rule,
    matches: compileRequestMatcher(rule.match),
  }));
};

const kindOf = (fault: FaultRule): FaultKind => {
  if (fault.delay !== undefined) return 'delay';
  if (fault.abort !== undefined) return 'abort';
  if (fault.watch !== undefined) return 'watch';
  if (fault.slowList !== undefined) return 'slowList';
  return 'admission';
};

// Which request faults can act on a request: a watch cut needs a watch, a slow list a list.
const faultFits = (kind: FaultKind, request: PolicyRequest): boolean => {
  if (kind === 'admission') return false;
  if (kind === 'watch') return request.kind === 'resource' && request.verb === 'watch';
  if (kind === 'slowList') return request.kind === 'resource' && request.verb === 'list';
  return true;
};

/**
 * Compiles the policies that apply to `proxy` (same namespace as its VirtualApp, a target that
 * names or selects it and its subset). Policies must have passed `parseTrafficPolicy` /
 * `parseFaultInjection`.
 */
export const compilePolicySet = (
  policies: {
    readonly trafficPolicies?: readonly TrafficPolicy[];
    readonly faultInjections?: readonly FaultInjection[];
  },
  proxy: ProxyIdentity,
): PolicySet => {
  const traffic = (policies.trafficPolicies ?? []).filter((p) => policyAppliesTo(p, proxy));
  const injections = (policies.faultInjections ?? []).filter((p) => policyAppliesTo(p, proxy));
  const rateLimits = traffic.flatMap((p) => compileRules(p, p.spec.rateLimits));
  const circuitBreakers = traffic.flatMap((p) => compileRules(p, p.spec.circuitBreakers));
  const faults: CompiledFault[] = injections.flatMap((p) =>
    compileRules(p, p.spec.faults).map((fault) => ({
      ...fault,
      kind: kindOf(fault.rule),
      plan: compileFault(fault.rule, `FaultInjection ${fault.policy} fault ${fault.rule.name}`),
    })),
  );
  const requestFaults = faults.filter((fault) => fault.kind !== 'admission');
  const admissionFaults = faults.filter((fault) => fault.kind === 'admission');
  const empty = rateLimits.length + circuitBreakers.length + faults.length === 0;
  const noRequestRules = rateLimits.length + circuitBreakers.length + requestFaults.length === 0;
  const match = (request: PolicyRequest, context: RequestContext): MatchedRules => {
    if (noRequestRules) return NO_RULES;
    const matched: MatchedRules = {
      rateLimits: rateLimits.filter((rule) => rule.matches(request, context)),
      circuitBreakers: circuitBreakers.filter((rule) => rule.matches(request, context)),
      faults: requestFaults.filter(
        (fault) => faultFits(fault.kind, request) && fault.matches(request, context),
      ),
    };
    const none =
      matched.rateLimits.length + matched.circuitBreakers.length + matched.faults.length === 0;
    return none ? NO_RULES : matched;
  };
  return {
    empty,
    rateLimits,
    circuitBreakers,
    faults,
    match,
    matchAdmission: (request, context) =>
      admissionFaults.length === 0
        ? NO_RULES.faults
        : admissionFaults.filter((fault) => fault.matches(request, context)),
  };
};
