import { z } from 'zod';

/** Verbs a rule may name, as Kubernetes' request info names them; `*` is every verb. */
export const RULE_VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'proxy',
  '*',
] as const;

/** Structural `metav1.LabelSelector`; route-engine's `fromStructuredSelector` checks the rest. */
export const labelSelectorSchema = z.strictObject({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string(),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});

/**
 * Which requests a policy rule applies to. Every field that is set must match (AND); entries of
 * one list are alternatives (OR). A rule with `verbs`, `resources` or namespace fields matches
 * only resource requests, and its namespace fields never match cluster-scoped requests or lists
 * across all namespaces; a rule with `nonResourcePaths` matches only non-resource requests (and
 * cannot have the others); a rule with only `userAgents` matches both.
 */
export const RequestRuleSchema = z.strictObject({
  verbs: z.array(z.enum(RULE_VERBS)).optional(),
  /** route-engine resource patterns: `pods`, `pods/log`, `*`, `pods/*`, `*\/scale`, `*\/*`. */
  resources: z
    .array(z.strictObject({ apiGroups: z.array(z.string()), resources: z.array(z.string()) }))
    .optional(),
  namespaces: z.array(z.string()).optional(),
  namespaceSelector: labelSelectorSchema.optional(),
  /** Exact paths, or prefixes ending in `/*` (`/apis/*`), or `*`, as Kubernetes' flow control. */
  nonResourcePaths: z.array(z.string()).optional(),
  /** Exact user agents, or prefixes ending in `*` (`my-controller/*`). */
  userAgents: z.array(z.string()).optional(),
});

/** One `match[]` entry of a rate limit, circuit breaker or fault. */
export type RequestRule = z.output<typeof RequestRuleSchema>;

/**
 * Which proxies a policy applies to: VirtualApps in the policy's namespace, by `name` or label
 * `selector` (both set: both must match), and optionally only some of their subsets.
 */
export const TargetVirtualAppSchema = z.strictObject({
  name: z.string().optional(),
  selector: labelSelectorSchema.optional(),
  /** Absent: every subset. route-engine's `DEFAULT_SUBSET` names the pods of no subset. */
  specificSubsets: z.array(z.string()).optional(),
});

/** One `spec.targetVirtualApps[]` entry. */
export type TargetVirtualApp = z.output<typeof TargetVirtualAppSchema>;

/** `metadata`, as much of it as a policy needs. */
export const policyMetadataSchema = z.looseObject({
  name: z.string().optional(),
  namespace: z.string().optional(),
  generation: z.number().int().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** A status condition, as on a VirtualApp. */
export const conditionSchema = z.strictObject({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
  observedGeneration: z.number().int().optional(),
});
