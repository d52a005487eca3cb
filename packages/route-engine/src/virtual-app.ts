import { z } from 'zod';
import { StatusConditionSchema } from './status-condition.js';

/** The apiVersions we accept: ours, and the original's so that its manifests carry over. */
export const VIRTUAL_APP_API_VERSIONS = [
  'ctrlmesh.io/v1alpha1',
  'ctrlmesh.kruise.io/v1alpha1',
] as const;

// The `.describe()` texts are the field documentation: the CRDs and docs/reference are generated
// from them (tools/crd-generator).
const labelSelectorExpression = z.strictObject({
  key: z.string().describe('The label key the requirement is about.'),
  operator: z
    .enum(['In', 'NotIn', 'Exists', 'DoesNotExist'])
    .describe(
      'In and NotIn need values; Exists and DoesNotExist must have none. NotIn matches objects without the key.',
    ),
  values: z.array(z.string()).optional().describe('The values of In and NotIn.'),
});

const labelSelector = z.strictObject({
  matchLabels: z
    .record(z.string(), z.string())
    .optional()
    .describe('Labels that must all be present with these values (AND).'),
  matchExpressions: z
    .array(labelSelectorExpression)
    .optional()
    .describe('Requirements that must all hold (AND), as in any Kubernetes label selector.'),
});

const apiGroupResource = z.strictObject({
  apiGroups: z
    .array(z.string())
    .describe('API groups: "" is the core group, "*" any group. Never empty.'),
  resources: z
    .array(z.string())
    .describe(
      'Resource patterns: "pods", "pods/log", "*" (every resource, no subresources), "pods/*", "*/scale", "*/*". Never empty; "*" stands alone.',
    ),
});

const matchLimitSelector = z.strictObject({
  namespaceSelector: labelSelector
    .optional()
    .describe(
      "Matches the labels of the target's namespace (a Namespace object's own labels). Never matches a cluster-scoped target.",
    ),
  namespaceRegex: z
    .string()
    .optional()
    .describe(
      "An RE2 regex searched (unanchored) in the target's namespace name; anchor it with ^ and $. Never matches a cluster-scoped target.",
    ),
  objectSelector: labelSelector
    .optional()
    .describe(
      "Matches the object's own labels; lists and watches are then filtered object by object.",
    ),
  resources: z
    .array(apiGroupResource)
    .optional()
    .describe(
      'The resources the entry applies to; absent: every resource. Never empty: leave it out instead of [].',
    ),
});

/** Structural zod schema of a VirtualApp; semantic checks are in `parseVirtualApp`. */
export const VirtualAppSchema = z.object({
  apiVersion: z.enum(VIRTUAL_APP_API_VERSIONS),
  kind: z.literal('VirtualApp'),
  metadata: z
    .looseObject({
      name: z.string().optional(),
      namespace: z.string().optional(),
      generation: z.number().int().optional(),
      labels: z.record(z.string(), z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  spec: z
    .strictObject({
      selector: labelSelector.describe(
        "The pods of the controller, in the VirtualApp's namespace; must not be empty. Their proxies enforce this VirtualApp.",
      ),
      configuration: z
        .strictObject({
          controller: z
            .strictObject({
              leaderElectionName: z
                .string()
                .describe(
                  "The name of the controller's leader-election lock (a Lease, ConfigMap or Endpoints in its namespace). Each subset gets its own lock, <name>---<subset>; the default subset keeps the name.",
                ),
            })
            .optional()
            .describe('How the controller elects its leader.'),
          webhook: z
            .strictObject({
              certDir: z
                .string()
                .describe(
                  "The folder of the controller's webhook serving certificate, as mounted in its container.",
                ),
              port: z.number().int().describe("The controller's webhook port."),
            })
            .optional()
            .describe(
              "The controller's admission webhook: the proxy fronts it and routes each review to the subset that owns the object.",
            ),
          restConfigOverrides: z
            .strictObject({
              userAgentOrPrefix: z
                .string()
                .optional()
                .describe(
                  "Ending in /: put in front of the controller's user agent; otherwise it replaces it.",
                ),
            })
            .optional()
            .describe("Changes to the controller's requests."),
        })
        .optional()
        .describe('How the controller runs: its leader election, webhook and requests.'),
      route: z
        .strictObject({
          globalLimits: z
            .array(matchLimitSelector)
            .optional()
            .describe(
              'Fences for every subset: a target is excluded (nobody sees it) unless it matches every entry whose resources apply to it. For cluster-scoped targets the namespace fields are ignored.',
            ),
          subRules: z
            .array(
              z.strictObject({
                name: z.string().describe('The name subsets refer to in routeRules; unique.'),
                match: z
                  .array(matchLimitSelector)
                  .describe(
                    'Entries that are alternatives (OR); every field an entry sets must match (AND). An entry must set at least one field.',
                  ),
              }),
            )
            .optional()
            .describe('Named rules that subsets use to claim targets.'),
          subsetPublicResources: z
            .array(apiGroupResource)
            .optional()
            .describe(
              'Resources every subset sees (after the global limits), unless a subset rule spells the resource out ("configmaps", not "*"): then the subset rules decide it everywhere.',
            ),
          subsetDefaultOnlyUserAgents: z
            .array(z.string())
            .optional()
            .describe(
              'User agents (exact strings) served by the default subset only: it owns every target they ask about that is not excluded.',
            ),
        })
        .optional()
        .describe('Who owns what.'),
      subsets: z
        .array(
          z.strictObject({
            name: z
              .string()
              .describe('A DNS label, unique; "(default)" names the default subset elsewhere.'),
            labels: z
              .record(z.string(), z.string())
              .describe(
                'The pod labels of the subset; not empty. A pod belongs to the first subset, in spec order, whose labels it all has; a pod of none is in the default subset.',
              ),
            routeRules: z
              .array(z.string())
              .optional()
              .describe(
                'Names of subRules; the first subset, in spec order, with a matching rule owns a target. A sub-rule serves one subset only.',
              ),
          }),
        )
        .optional()
        .describe(
          'Groups of pods, each owning what its rules match. What no subset claims belongs to the default subset: the pods that match no subset.',
        ),
    })
    .describe('The rules, written by people.'),
  status: z
    .strictObject({
      observedGeneration: z
        .number()
        .int()
        .optional()
        .describe('The generation the manager last looked at.'),
      // What the manager published (DESIGN §6): the ControllerRevision every proxy enforces,
      // the one before it during a handover, and the phase.
      routing: z
        .strictObject({
          currentRevision: z
            .string()
            .describe('The ControllerRevision (<vapp>-<hash>) the proxies enforce.'),
          previousRevision: z
            .string()
            .optional()
            .describe('The revision before it, while a handover runs.'),
          phase: z
            .enum(['Revoking', 'Settled'])
            .describe(
              'Revoking: a target has an owner only where both revisions agree. Settled: the current revision decides.',
            ),
          observedGeneration: z
            .number()
            .int()
            .describe('The generation whose spec made currentRevision.'),
        })
        .optional()
        .describe('What the manager published for the proxies.'),
      subsets: z
        .array(
          z.strictObject({
            name: z.string().describe('The subset, or "(default)".'),
            pods: z.number().int().describe('Live pods of the subset.'),
            readyPods: z.number().int().describe('Of those, the Ready ones.'),
            updatedPods: z
              .number()
              .int()
              .describe('Pods whose proxy reports the published revision and phase.'),
          }),
        )
        .optional()
        .describe('Pods per subset.'),
      conditions: z
        .array(StatusConditionSchema)
        .optional()
        .describe('Accepted, Progressing, Available and Degraded.'),
    })
    .optional()
    .describe('Written by the manager.'),
});

/** A parsed, validated VirtualApp (`ctrlmesh.io/v1alpha1`, kind `VirtualApp`). */
export type VirtualApp = z.output<typeof VirtualAppSchema>;
/** `spec.route.globalLimits[]` and `spec.route.subRules[].match[]` entries. */
export type MatchLimitSelector = z.output<typeof matchLimitSelector>;
/** `spec.subsets[]`. */
export type VirtualAppSubset = NonNullable<VirtualApp['spec']['subsets']>[number];
/** `spec.route.subRules[]`. */
export type SubRule = NonNullable<NonNullable<VirtualApp['spec']['route']>['subRules']>[number];
/** `status`. */
export type VirtualAppStatus = NonNullable<VirtualApp['status']>;
/** `status.routing`: what the manager published for the proxies. */
export type VirtualAppRouting = NonNullable<VirtualAppStatus['routing']>;

/** JSON Schema of the VirtualApp, for the CRD generator (structure only; see `parseVirtualApp`). */
export const virtualAppJsonSchema = (): Record<string, unknown> =>
  z.toJSONSchema(VirtualAppSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
