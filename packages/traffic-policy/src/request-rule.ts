import { StatusConditionSchema } from '@ctrlmesh/route-engine';
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
  matchLabels: z
    .record(z.string(), z.string())
    .optional()
    .describe('Labels that must all be present with these values (AND).'),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string().describe('The label key the requirement is about.'),
        operator: z
          .enum(['In', 'NotIn', 'Exists', 'DoesNotExist'])
          .describe('In and NotIn need values; Exists and DoesNotExist must have none.'),
        values: z.array(z.string()).optional().describe('The values of In and NotIn.'),
      }),
    )
    .optional()
    .describe('Requirements that must all hold (AND).'),
});

/**
 * Which requests a policy rule applies to. Every field that is set must match (AND); entries of
 * one list are alternatives (OR). A rule with `verbs`, `resources` or namespace fields matches
 * only resource requests, and its namespace fields never match cluster-scoped requests or lists
 * across all namespaces; a rule with `nonResourcePaths` matches only non-resource requests (and
 * cannot have the others); a rule with only `userAgents` matches both.
 */
export const RequestRuleSchema = z.strictObject({
  verbs: z
    .array(z.enum(RULE_VERBS))
    .optional()
    .describe('Verbs as Kubernetes names them (a GET with ?watch is watch); "*" is every verb.'),
  /** route-engine resource patterns: `pods`, `pods/log`, `*`, `pods/*`, `*\/scale`, `*\/*`. */
  resources: z
    .array(
      z.strictObject({
        apiGroups: z.array(z.string()).describe('API groups: "" is the core group, "*" any.'),
        resources: z
          .array(z.string())
          .describe('Resource patterns: "pods", "pods/log", "*", "pods/*", "*/scale", "*/*".'),
      }),
    )
    .optional()
    .describe('The resources the rule applies to.'),
  namespaces: z
    .array(z.string())
    .optional()
    .describe('Namespace names (exact). Never matches cluster-scoped requests.'),
  namespaceSelector: labelSelectorSchema
    .optional()
    .describe("Matches the labels of the request's namespace."),
  /** Exact paths, or prefixes ending in `/*` (`/apis/*`), or `*`, as Kubernetes' flow control. */
  nonResourcePaths: z
    .array(z.string())
    .optional()
    .describe(
      'Non-resource paths: exact, a prefix ending in /* ("/apis/*"), or "*". Not with the resource fields.',
    ),
  /** Exact user agents, or prefixes ending in `*` (`my-controller/*`). */
  userAgents: z
    .array(z.string())
    .optional()
    .describe('User agents: exact, or a prefix ending in * ("my-controller/*").'),
});

/** One `match[]` entry of a rate limit, circuit breaker or fault. */
export type RequestRule = z.output<typeof RequestRuleSchema>;

/**
 * Which proxies a policy applies to: VirtualApps in the policy's namespace, by `name` or label
 * `selector` (both set: both must match), and optionally only some of their subsets.
 */
export const TargetVirtualAppSchema = z.strictObject({
  name: z.string().optional().describe("A VirtualApp of the policy's namespace, by name."),
  selector: labelSelectorSchema
    .optional()
    .describe("VirtualApps of the policy's namespace, by label; with name, both must match."),
  /** Absent: every subset. route-engine's `DEFAULT_SUBSET` names the pods of no subset. */
  specificSubsets: z
    .array(z.string())
    .optional()
    .describe('Only these subsets ("(default)": the pods of no subset); absent: every subset.'),
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

/** A policy's status conditions, as the manager writes them. */
export const policyConditionsSchema = z
  .array(StatusConditionSchema)
  .optional()
  .describe('Accepted (the spec is valid) and Applied (every selected pod applies it).');
