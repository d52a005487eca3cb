import { z } from 'zod';
import {
  policyConditionsSchema,
  policyMetadataSchema,
  RequestRuleSchema,
  TargetVirtualAppSchema,
} from './request-rule.js';

/** The apiVersion of traffic policies and fault injections. */
export const POLICY_API_VERSION = 'ctrlmesh.io/v1alpha1';

/** What counts as a failure for a breaker unless `failureCodes` says otherwise. */
export const DEFAULT_FAILURE_CODES: readonly string[] = ['5xx', '429', 'transport'];

const rateLimitSchema = z.strictObject({
  name: z.string().describe('Unique in the policy; named in metrics and refusals.'),
  /** Absent: every request. */
  match: z
    .array(RequestRuleSchema)
    .optional()
    .describe('The requests it applies to (any entry); absent: every request.'),
  /** Tokens per second; may be fractional (0.5 is one request every two seconds). */
  qps: z
    .number()
    .min(0)
    .optional()
    .describe('Tokens per second; may be fractional (0.5 is one request every two seconds).'),
  /** Bucket size; defaults to `max(1, ceil(qps))`. */
  burst: z.int().min(1).optional().describe('Bucket size; default max(1, ceil(qps)).'),
  /** Requests in flight at once; a watch counts only while it opens. */
  maxInFlight: z
    .int()
    .min(1)
    .optional()
    .describe('Requests in flight at once; a watch counts only while it opens.'),
});

const circuitBreakerSchema = z.strictObject({
  name: z.string().describe('Unique in the policy; named in metrics and refusals.'),
  match: z
    .array(RequestRuleSchema)
    .optional()
    .describe('The requests it applies to (any entry); absent: every request.'),
  /** `ForceOpen` rejects every request, `ForceClosed` admits every one; `Auto` trips. */
  mode: z
    .enum(['Auto', 'ForceOpen', 'ForceClosed'])
    .default('Auto')
    .describe('Auto trips on failures; ForceOpen refuses every request, ForceClosed none.'),
  /** Trip when at least `percent` of the requests in the last `windowSeconds` failed. */
  errorRate: z
    .strictObject({
      percent: z.int().min(1).max(100).describe('Failed requests, in percent, that trip it.'),
      windowSeconds: z.int().min(1).default(10).describe('The sliding window.'),
      minimumRequests: z
        .int()
        .min(1)
        .default(10)
        .describe('Fewer requests in the window never trip it.'),
    })
    .optional()
    .describe('Trip when at least percent of the requests in the last windowSeconds failed.'),
  /** Trip after this many failures in a row. */
  consecutiveFailures: z
    .int()
    .min(1)
    .optional()
    .describe('Trip after this many failures in a row.'),
  /** `5xx` (a class), `503` (a code), `transport` (no answer); default `5xx`, `429`, `transport`. */
  failureCodes: z
    .array(z.string())
    .optional()
    .describe(
      'What counts as a failure: "5xx" (a class), "503" (a code), "transport" (no answer); default 5xx, 429, transport.',
    ),
  /** How long the breaker stays open before it lets probes through. */
  openSeconds: z
    .number()
    .min(0)
    .default(30)
    .describe('How long it stays open (503 with Retry-After) before it lets probes through.'),
  /** Probes admitted when half-open; that many successes close the breaker. */
  halfOpenProbes: z
    .int()
    .min(1)
    .default(3)
    .describe(
      'Probes admitted when half-open; that many successes close it, a failure reopens it.',
    ),
});

const ruleStatusSchema = z.strictObject({
  name: z.string().describe('The rule.'),
  /** Pods whose breaker is in each state (circuit breakers only). */
  closedPods: z.int().min(0).optional().describe('Pods whose breaker is closed.'),
  openPods: z.int().min(0).optional().describe('Pods whose breaker is open.'),
  halfOpenPods: z.int().min(0).optional().describe('Pods whose breaker is half-open.'),
  /** Requests the rule let through, summed over the reporting pods. */
  admitted: z
    .int()
    .min(0)
    .optional()
    .describe('Requests the rule let through, summed over the reporting pods.'),
  /** Requests rejected, summed over the reporting pods. */
  rejected: z
    .int()
    .min(0)
    .optional()
    .describe('Requests rejected, summed over the reporting pods.'),
  /** `rejected` by reason. */
  rejectedBy: z
    .strictObject({
      rateLimited: z.int().min(0).optional().describe('Refused by the token bucket (429).'),
      tooManyInFlight: z.int().min(0).optional().describe('Refused by the in-flight cap (429).'),
      circuitOpen: z.int().min(0).optional().describe('Refused by the open breaker (503).'),
    })
    .optional()
    .describe('`rejected` by reason.'),
});

/** What the manager writes about which pods apply a policy (decision 0006). */
export const policyPodsStatusShape = {
  /** Live pods the policy applies to. */
  podsSelected: z
    .int()
    .min(0)
    .optional()
    .describe('Live (Ready, not deleting) pods the policy applies to.'),
  /** Of those, the pods whose proxy reports the policy's current generation. */
  podsReporting: z
    .int()
    .min(0)
    .optional()
    .describe("Of those, the pods whose proxy reports the policy's current generation."),
  /** Selected pods that report an older generation, or none at all. */
  laggingPods: z
    .array(z.string())
    .optional()
    .describe('Selected pods that report an older generation, or nothing readable.'),
};

/** Structural zod schema of a TrafficPolicy; semantic checks are in `parseTrafficPolicy`. */
export const TrafficPolicySchema = z.object({
  apiVersion: z.literal(POLICY_API_VERSION),
  kind: z.literal('TrafficPolicy'),
  metadata: policyMetadataSchema.optional(),
  spec: z
    .strictObject({
      targetVirtualApps: z
        .array(TargetVirtualAppSchema)
        .describe("The VirtualApps (of the policy's namespace) whose proxies apply it."),
      rateLimits: z
        .array(rateLimitSchema)
        .optional()
        .describe('Token buckets and in-flight caps; a refused request gets 429 with Retry-After.'),
      circuitBreakers: z
        .array(circuitBreakerSchema)
        .optional()
        .describe('Breakers that stop requests (503) while the apiserver fails.'),
    })
    .describe('What to limit, for which proxies.'),
  status: z
    .strictObject({
      observedGeneration: z.int().optional().describe('The generation last looked at.'),
      ...policyPodsStatusShape,
      rateLimits: z.array(ruleStatusSchema).optional().describe('Per rate limit.'),
      circuitBreakers: z.array(ruleStatusSchema).optional().describe('Per circuit breaker.'),
      conditions: policyConditionsSchema,
    })
    .optional()
    .describe("Written by the manager: the proxies' reports, aggregated."),
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
