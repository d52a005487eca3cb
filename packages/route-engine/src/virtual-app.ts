import { z } from 'zod';

/** The apiVersions we accept: ours, and the original's so that its manifests carry over. */
export const VIRTUAL_APP_API_VERSIONS = [
  'ctrlmesh.io/v1alpha1',
  'ctrlmesh.kruise.io/v1alpha1',
] as const;

const labelSelectorExpression = z.strictObject({
  key: z.string(),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(z.string()).optional(),
});

const labelSelector = z.strictObject({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z.array(labelSelectorExpression).optional(),
});

const apiGroupResource = z.strictObject({
  apiGroups: z.array(z.string()),
  resources: z.array(z.string()),
});

const matchLimitSelector = z.strictObject({
  namespaceSelector: labelSelector.optional(),
  namespaceRegex: z.string().optional(),
  objectSelector: labelSelector.optional(),
  resources: z.array(apiGroupResource).optional(),
});

const condition = z.strictObject({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
  observedGeneration: z.number().int().optional(),
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
  spec: z.strictObject({
    selector: labelSelector,
    configuration: z
      .strictObject({
        controller: z.strictObject({ leaderElectionName: z.string() }).optional(),
        webhook: z.strictObject({ certDir: z.string(), port: z.number().int() }).optional(),
        restConfigOverrides: z
          .strictObject({ userAgentOrPrefix: z.string().optional() })
          .optional(),
      })
      .optional(),
    route: z
      .strictObject({
        globalLimits: z.array(matchLimitSelector).optional(),
        subRules: z
          .array(z.strictObject({ name: z.string(), match: z.array(matchLimitSelector) }))
          .optional(),
        subsetPublicResources: z.array(apiGroupResource).optional(),
        subsetDefaultOnlyUserAgents: z.array(z.string()).optional(),
      })
      .optional(),
    subsets: z
      .array(
        z.strictObject({
          name: z.string(),
          labels: z.record(z.string(), z.string()),
          routeRules: z.array(z.string()).optional(),
        }),
      )
      .optional(),
  }),
  status: z
    .strictObject({
      observedGeneration: z.number().int().optional(),
      // What the manager published (DESIGN §6): the ControllerRevision every proxy enforces,
      // the one before it during a handover, and the phase.
      routing: z
        .strictObject({
          currentRevision: z.string(),
          previousRevision: z.string().optional(),
          phase: z.enum(['Revoking', 'Settled']),
          observedGeneration: z.number().int(),
        })
        .optional(),
      subsets: z
        .array(
          z.strictObject({
            name: z.string(),
            pods: z.number().int(),
            readyPods: z.number().int(),
            updatedPods: z.number().int(),
          }),
        )
        .optional(),
      conditions: z.array(condition).optional(),
    })
    .optional(),
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
