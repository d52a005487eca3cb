export {
  type BreakerAdmission,
  type BreakerConfig,
  type BreakerPermit,
  type BreakerState,
  type BreakerTransition,
  breakerConfigFor,
  type CircuitBreaker,
  createCircuitBreaker,
  type TransitionReason,
} from './circuit-breaker.js';
export { failureClassifier, isFailureCode, type RequestOutcome } from './failure-codes.js';
export {
  compileFault,
  createFaultInjector,
  decideFault,
  delayOf,
  type FaultDecision,
  type FaultInjector,
  type FaultPlan,
  type NoFaultReason,
  slowListDelay,
} from './fault-decision.js';
export {
  type DelaySpec,
  FAULT_KINDS,
  type FaultInjection,
  FaultInjectionSchema,
  type FaultInjectionStatus,
  type FaultKind,
  type FaultRule,
  faultInjectionJsonSchema,
} from './fault-injection.js';
export { type FailureStatus, failureStatus } from './fault-status.js';
export { createInFlightLimiter, type InFlightLimiter } from './in-flight-limiter.js';
export { parseFaultInjection } from './parse-fault-injection.js';
export { parseTrafficPolicy } from './parse-traffic-policy.js';
export {
  type CompiledBreaker,
  type CompiledFault,
  type CompiledRateLimit,
  type CompiledRule,
  compilePolicySet,
  type MatchedRules,
  NO_RULES,
  type PolicyLike,
  type PolicySet,
  type ProxyIdentity,
  policyAppliesTo,
} from './policy-set.js';
export {
  decodePolicyState,
  encodePolicyState,
  POLICY_STATE_CONDITION,
  POLICY_STATE_MAX_BYTES,
  POLICY_STATE_MIN_BYTES,
  POLICY_STATE_VERSION,
  type PolicyState,
  type PolicyStateReport,
  type RuleState,
} from './policy-state.js';
export {
  createRateLimiter,
  type RateLimitAdmission,
  type RateLimiter,
  type RateLimitReason,
  tryAcquireAll,
} from './rate-limiter.js';
export {
  compileRequestMatcher,
  type PolicyRequest,
  type RequestContext,
  type RequestMatcher,
} from './request-matcher.js';
export {
  type RequestRule,
  RequestRuleSchema,
  RULE_VERBS,
  type TargetVirtualApp,
} from './request-rule.js';
export { defaultReasonFor, STATUS_REASON_CODES, type StatusReason } from './status-reason.js';
export { inAnyWindow, inWindow, parseTimestamp, type TimeWindow } from './time-window.js';
export {
  type Admission,
  createTokenBucket,
  defaultBurst,
  type TokenBucket,
} from './token-bucket.js';
export {
  type BreakerMode,
  type CircuitBreakerRule,
  DEFAULT_FAILURE_CODES,
  POLICY_API_VERSION,
  type RateLimitRule,
  type TrafficPolicy,
  TrafficPolicySchema,
  type TrafficPolicyStatus,
  trafficPolicyJsonSchema,
} from './traffic-policy.js';
export {
  createWatchCutter,
  type WatchCutter,
  type WatchEventVerdict,
  type WatchFaultPlan,
  type WatchFaultSpec,
  watchFaultPlan,
} from './watch-fault.js';
