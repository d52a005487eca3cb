import { z } from 'zod';
import {
  policyConditionsSchema,
  policyMetadataSchema,
  RequestRuleSchema,
  TargetVirtualAppSchema,
} from './request-rule.js';
import { STATUS_REASONS } from './status-reason.js';
import { POLICY_API_VERSION, policyPodsStatusShape } from './traffic-policy.js';

/** A fixed delay (`milliseconds`) or one drawn uniformly from `[min, max]` milliseconds. */
const delaySchema = z.strictObject({
  milliseconds: z.int().min(0).optional().describe('A fixed delay.'),
  minMilliseconds: z.int().min(0).optional().describe('Lower bound of a uniform delay.'),
  maxMilliseconds: z.int().min(0).optional().describe('Upper bound of a uniform delay.'),
});

const faultKinds = {
  /** Hold the request before it goes upstream. */
  delay: delaySchema
    .optional()
    .describe('Hold the request before it goes upstream: milliseconds, or min/max.'),
  /** Answer with a `metav1.Status` instead of forwarding. */
  abort: z
    .strictObject({
      code: z.int().min(400).max(599).describe('The HTTP status code.'),
      /** Defaults to the reason Kubernetes gives the code (409 Conflict, 410 Expired, ...). */
      reason: z
        .enum(STATUS_REASONS)
        .optional()
        .describe('The Status reason; default the one Kubernetes gives the code (409 Conflict).'),
      message: z.string().optional().describe('The Status message.'),
      retryAfterSeconds: z
        .int()
        .min(1)
        .optional()
        .describe('Sent as Retry-After and details.retryAfterSeconds.'),
    })
    .optional()
    .describe('Answer with a metav1.Status instead of forwarding.'),
  /** Cut a watch after some events or some time; it ends with a 410 ERROR event by default. */
  watch: z
    .strictObject({
      afterEvents: z
        .int()
        .min(1)
        .optional()
        .describe('Events shown to the client (bookmarks and initial events do not count).'),
      afterSeconds: z.number().min(0).optional().describe('Seconds after the watch opened.'),
      end: z
        .enum(['Expired', 'Close'])
        .default('Expired')
        .describe('Expired: a 410 ERROR event (clients re-list); Close: the stream just ends.'),
    })
    .optional()
    .describe('Cut a watch after some events or some time, whichever comes first.'),
  /** Hold a list's answer: a fixed time plus a time per item, at most `maxMilliseconds`. */
  slowList: z
    .strictObject({
      milliseconds: z.int().min(0).optional().describe('A fixed time.'),
      perItemMilliseconds: z.number().min(0).optional().describe('A time per item shown.'),
      maxMilliseconds: z.int().min(0).optional().describe('At most this long.'),
    })
    .optional()
    .describe("Hold a list's last bytes: a fixed time plus a time per item."),
  /** On the webhook front: hold an AdmissionReview, or deny it with a message. */
  admission: z
    .strictObject({
      delay: delaySchema.optional().describe('Hold the review before it is routed.'),
      deny: z
        .strictObject({
          message: z.string().describe('The denial message.'),
          code: z.int().min(400).max(599).default(403).describe('The Status code.'),
        })
        .optional()
        .describe('Deny the review without asking any controller.'),
    })
    .optional()
    .describe('On the webhook front: hold an AdmissionReview, or deny it.'),
};

/** The names of the fault kinds; each fault sets exactly one. */
export const FAULT_KINDS = Object.keys(faultKinds) as (keyof typeof faultKinds)[];

const faultSchema = z.strictObject({
  name: z.string().describe('Unique in the FaultInjection; named in metrics and messages.'),
  match: z
    .array(RequestRuleSchema)
    .optional()
    .describe('The requests it applies to (any entry); absent: every request.'),
  /** Chance that a matching request gets the fault: 0 never, 1 always. */
  probability: z
    .number()
    .min(0)
    .max(1)
    .describe('Chance that a matching request gets the fault: 0 never, 1 always.'),
  /** Stop after the fault fired this many times (per proxy). */
  maxCount: z
    .int()
    .min(1)
    .optional()
    .describe('Stop after the fault fired this many times (per proxy).'),
  /** Fire only inside one of these RFC 3339 intervals (`start` inclusive, `end` exclusive). */
  windows: z
    .array(
      z.strictObject({
        start: z.string().optional().describe('RFC 3339, inclusive; absent: no lower bound.'),
        end: z.string().optional().describe('RFC 3339, exclusive; absent: no upper bound.'),
      }),
    )
    .optional()
    .describe('Fire only inside one of these intervals.'),
  ...faultKinds,
});

/** Structural zod schema of a FaultInjection; semantic checks are in `parseFaultInjection`. */
export const FaultInjectionSchema = z.object({
  apiVersion: z.literal(POLICY_API_VERSION),
  kind: z.literal('FaultInjection'),
  metadata: policyMetadataSchema.optional(),
  spec: z
    .strictObject({
      targetVirtualApps: z
        .array(TargetVirtualAppSchema)
        .describe("The VirtualApps (of the FaultInjection's namespace) whose proxies apply it."),
      faults: z
        .array(faultSchema)
        .describe(
          'Faults drawn in order; each sets exactly one of delay, abort, watch, slowList, admission.',
        ),
    })
    .describe('What to inject, for which proxies.'),
  status: z
    .strictObject({
      observedGeneration: z.int().optional().describe('The generation last looked at.'),
      ...policyPodsStatusShape,
      /** Faults injected, summed over the reporting pods. */
      faults: z
        .array(
          z.strictObject({
            name: z.string().describe('The fault.'),
            kind: z.string().optional().describe('delay, abort, watch, slowList or admission.'),
            injected: z.int().min(0).describe('Times injected, summed over the reporting pods.'),
          }),
        )
        .optional()
        .describe('Per fault.'),
      conditions: policyConditionsSchema,
    })
    .optional()
    .describe("Written by the manager: the proxies' reports, aggregated."),
});

/** A parsed, validated FaultInjection (`ctrlmesh.io/v1alpha1`), defaults applied. */
export type FaultInjection = z.output<typeof FaultInjectionSchema>;
/** `status` of a FaultInjection, as the manager writes it. */
export type FaultInjectionStatus = NonNullable<FaultInjection['status']>;
/** `spec.faults[]`. */
export type FaultRule = FaultInjection['spec']['faults'][number];
/** The kind of a fault: which one of its action fields it sets. */
export type FaultKind = (typeof FAULT_KINDS)[number];
/** `delay` (and `admission.delay`). */
export type DelaySpec = z.output<typeof delaySchema>;

/** JSON Schema of the FaultInjection as users write it, for the CRD generator. */
export const faultInjectionJsonSchema = (): Record<string, unknown> =>
  z.toJSONSchema(FaultInjectionSchema, { target: 'draft-2020-12', io: 'input' }) as Record<
    string,
    unknown
  >;
