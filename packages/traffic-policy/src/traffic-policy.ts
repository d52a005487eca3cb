import { z } from 'zod';
import {
  conditionSchema,
  policyMetadataSchema,
  RequestRuleSchema,
  TargetVirtualAppSchema,
} from './request-rule.js';

/** The apiVersion of traffic policies and fault injections. */
export const POLICY_API_VERSION = 'ctrlmesh.io/v1alpha1';

/** What counts as a failure for a breaker unless `failureCodes` says otherwise. */
export const DEFAULT_FAILURE_CODES: readonly string[] = ['5xx', '429', 'transport'];

const rateLimitSchema = z.strictObject({
  name: z.string(),
  /** Absent: every request. */
  match: z.array(RequestRuleSchema).optional(),
  /** Tokens per second; may be fractional (0.5 is one request every two seconds). */
  qps: z.number().min(0).optional(),
  /** Bucket size; defaults to `max(1, ceil(qps))`. */
  burst: z.int().min(1).optional(),
  /** Requests in flight at once; a watch counts only while it opens. */
  maxInFlight: z.int().min(1).optional(),
});

const circuitBreakerSchema = z.strictObject({
  name: z.string(),
  match: z.array(RequestRuleSchema).optional(),
  /** `ForceOpen` rejects every request, `ForceClosed` admits every one; `Auto` trips. */
  mode: z.enum(['Auto', 'ForceOpen', 'ForceClosed']).default('Auto'),
  /** Trip when at least `percent` of the requests in the last `windowSeconds` failed. */
  errorRate: z
    .strictObject({
      percent: z.int().min(1).max(100),
      windowSeconds: z.int().min(1).default(10),
      minimumRequests: z.int().min(1).default(10),
    })
    .optional(),
  /** Trip after this many failures in a row. */
  consecutiveFailures: z.int().min(1).optional(),
  /** `5xx` (a class), `503` (a code), `transport` (no answer); default `5xx`, `429`, `transport`. */
  failureCodes: z.array(z.string()).optional(),
  /** How long the breaker stays open before it lets probes through. */
  openSeconds: z.number().min(0).default(30),
  /** Probes admitted when half-open; that many successes close the breaker. */
  halfOpenProbes: z.int().min(1).default(3),
});

const ruleStatusSchema = z.strictObject({
  name: z.string(),
  /** Pods whose breaker is in each state (circuit breakers only). */
  closedPods: z.int().min(0).optional(),
  openPods: z.int().min(0).optional(),
  halfOpenPods: z.int().min(0).optional(),
  /** Requests the rule let through, summed over the reporting pods. */
  admitted: z.int().min(0).optional(),
  /** Requests rejected, summed over the reporting pods. */
  rejected: z.int().min(0).optional(),
  /** `rejected` by reason. */
  rejectedBy: z
    .strictObject({
      rateLimited: z.int().min(0).optional(),
      tooManyInFlight: z.int().min(0).optional(),
      circuitOpen: z.int().min(0).optional(),
    })
    .optional(),
});

/** What the manager writes about which pods apply a policy (decision 0006). */
export const policyPodsStatusShape = {
  /** Live pods the policy applies to. */
  podsSelected: z.int().min(0).optional(),
  /** Of those, the pods whose proxy reports the policy's current generation. */
  podsReporting: z.int().min(0).optional(),
  /** Selected pods that report an older generation, or none at all. */
  laggingPods: z.array(z.string()).optional(),
};

/** Structural zod schema of a TrafficPolicy; semantic checks are in `parseTrafficPolicy`. */
export const TrafficPolicySchema = z.object({
  apiVersion: z.literal(POLICY_API_VERSION),
  kind: z.literal('TrafficPolicy'),
  metadata: policyMetadataSchema.optional(),
  spec: z.strictObject({
    targetVirtualApps: z.array(TargetVirtualAppSchema),
    rateLimits: z.array(rateLimitSchema).optional(),
    circuitBreakers: z.array(circuitBreakerSchema).optional(),
  }),
  status: z
    .strictObject({
      observedGeneration: z.int().optional(),
      ...policyPodsStatusShape,
      rateLimits: z.array(ruleStatusSchema).optional(),
      circuitBreakers: z.array(ruleStatusSchema).optional(),
      conditions: z.array(conditionSchema).optional(),
    })
    .optional(),
});

/** A parsed, validated TrafficPolicy (`ctrlmesh.io/v1alpha1`), defaults applied. */
export type TrafficPolicy = z.output<typeof TrafficPolicySchema>;
/** `spec.rateLimits[]`. */
export type RateLimitRule = NonNullable<TrafficPolicy['spec']['rateLimits']>[number];
/** `spec.circuitBreakers[]`. */
export type CircuitBreakerRule = NonNullable<TrafficPolicy['spec']['circuitBreakers']>[number];
/** `mode` of a circuit breaker. */
export type BreakerMode = CircuitBreakerRule['mode'];
/** `status` of a TrafficPolicy, as the manager writes it. */
export type TrafficPolicyStatus = NonNullable<TrafficPolicy['status']>;

/** JSON Schema of the TrafficPolicy as users write it, for the CRD generator. */
export const trafficPolicyJsonSchema = (): Record<string, unknown> =>
  z.toJSONSchema(TrafficPolicySchema, { target: 'draft-2020-12', io: 'input' }) as Record<
    string,
    unknown
  >;
