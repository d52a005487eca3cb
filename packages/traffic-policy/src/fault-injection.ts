import { z } from 'zod';
import {
  conditionSchema,
  policyMetadataSchema,
  RequestRuleSchema,
  TargetVirtualAppSchema,
} from './request-rule.js';
import { STATUS_REASONS } from './status-reason.js';
import { POLICY_API_VERSION, policyPodsStatusShape } from './traffic-policy.js';

/** A fixed delay (`milliseconds`) or one drawn uniformly from `[min, max]` milliseconds. */
const delaySchema = z.strictObject({
  milliseconds: z.int().min(0).optional(),
  minMilliseconds: z.int().min(0).optional(),
  maxMilliseconds: z.int().min(0).optional(),
});

const faultKinds = {
  /** Hold the request before it goes upstream. */
  delay: delaySchema.optional(),
  /** Answer with a `metav1.Status` instead of forwarding. */
  abort: z
    .strictObject({
      code: z.int().min(400).max(599),
      /** Defaults to the reason Kubernetes gives the code (409 Conflict, 410 Expired, ...). */
      reason: z.enum(STATUS_REASONS).optional(),
      message: z.string().optional(),
      retryAfterSeconds: z.int().min(1).optional(),
    })
    .optional(),
  /** Cut a watch after some events or some time; it ends with a 410 ERROR event by default. */
  watch: z
    .strictObject({
      afterEvents: z.int().min(1).optional(),
      afterSeconds: z.number().min(0).optional(),
      end: z.enum(['Expired', 'Close']).default('Expired'),
    })
    .optional(),
  /** Hold a list's answer: a fixed time plus a time per item, at most `maxMilliseconds`. */
  slowList: z
    .strictObject({
      milliseconds: z.int().min(0).optional(),
      perItemMilliseconds: z.number().min(0).optional(),
      maxMilliseconds: z.int().min(0).optional(),
    })
    .optional(),
  /** On the webhook front: hold an AdmissionReview, or deny it with a message. */
  admission: z
    .strictObject({
      delay: delaySchema.optional(),
      deny: z
        .strictObject({ message: z.string(), code: z.int().min(400).max(599).default(403) })
        .optional(),
    })
    .optional(),
};

/** The names of the fault kinds; each fault sets exactly one. */
export const FAULT_KINDS = Object.keys(faultKinds) as (keyof typeof faultKinds)[];

const faultSchema = z.strictObject({
  name: z.string(),
  match: z.array(RequestRuleSchema).optional(),
  /** Chance that a matching request gets the fault: 0 never, 1 always. */
  probability: z.number().min(0).max(1),
  /** Stop after the fault fired this many times (per proxy). */
  maxCount: z.int().min(1).optional(),
  /** Fire only inside one of these RFC 3339 intervals (`start` inclusive, `end` exclusive). */
  windows: z
    .array(z.strictObject({ start: z.string().optional(), end: z.string().optional() }))
    .optional(),
  ...faultKinds,
});

/** Structural zod schema of a FaultInjection; semantic checks are in `parseFaultInjection`. */
export const FaultInjectionSchema = z.object({
  apiVersion: z.literal(POLICY_API_VERSION),
  kind: z.literal('FaultInjection'),
  metadata: policyMetadataSchema.optional(),
  spec: z.strictObject({
    targetVirtualApps: z.array(TargetVirtualAppSchema),
    faults: z.array(faultSchema),
  }),
  status: z
    .strictObject({
      observedGeneration: z.int().optional(),
      ...policyPodsStatusShape,
      /** Faults injected, summed over the reporting pods. */
      faults: z
        .array(
          z.strictObject({
            name: z.string(),
            kind: z.string().optional(),
            injected: z.int().min(0),
          }),
        )
        .optional(),
      conditions: z.array(conditionSchema).optional(),
    })
    .optional(),
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
