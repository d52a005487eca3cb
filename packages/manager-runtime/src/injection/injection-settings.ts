import { z } from 'zod';

/** A Kubernetes quantity as the apiserver accepts it (`100m`, `64Mi`, `1.5`, `2e3`). */
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[mkMGTPE]|n|u)?$/;

const quantity = z.string().regex(QUANTITY, 'must be a Kubernetes quantity such as 100m or 64Mi');

/** `requests` and `limits` of cpu and memory (other resources are left to the pod's author). */
export const ProxyResourcesSchema = z.strictObject({
  requests: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() }).optional(),
  limits: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() }).optional(),
});

/** The proxy container's resources, as {@link ProxyResourcesSchema} reads them. */
export type ProxyResources = z.output<typeof ProxyResourcesSchema>;

// Measured in the benchmark (apps/proxy README, Memory): ~110 MiB peak RSS under load; the limit
// leaves room for a burst of large lists. CPU has no limit: throttling a proxy slows every request
// of its controller, and the request already reserves what it usually uses.
const DEFAULT_RESOURCES: ProxyResources = {
  requests: { cpu: '50m', memory: '96Mi' },
  limits: { memory: '256Mi' },
};

const port = z.number().int().min(1).max(65_535);

const DEFAULT_PORTS = { proxy: 5443, admin: 5441, webhook: 5445 };
const DEFAULT_PROBES = { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 };

/**
 * What injection puts in every pod (apps/manager's `--proxy-*` flags). Per pod, the annotation
 * `ctrlmesh.io/proxy-resources` overrides `resources`.
 */
export const InjectionSettingsSchema = z.object({
  /** The proxy image, e.g. `localhost/ctrlmesh/proxy:0.1.0`. */
  proxyImage: z.string().min(1).default('localhost/ctrlmesh/proxy:latest'),
  /** Absent: Kubernetes' default for the image's tag. */
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
  resources: ProxyResourcesSchema.default(DEFAULT_RESOURCES),
  ports: z
    .object({
      /** The controller-facing HTTPS port (`KUBERNETES_SERVICE_PORT` in app containers). */
      proxy: port.default(DEFAULT_PORTS.proxy),
      /** `/healthz`, `/readyz`, `/metrics`. */
      admin: port.default(DEFAULT_PORTS.admin),
      /** The webhook front, when the VirtualApp configures a webhook. */
      webhook: port.default(DEFAULT_PORTS.webhook),
    })
    .default(DEFAULT_PORTS)
    .check((ctx) => {
      const { proxy, admin, webhook } = ctx.value;
      if (new Set([proxy, admin, webhook]).size < 3) {
        ctx.issues.push({
          code: 'custom',
          input: ctx.value,
          message: `the proxy, admin and webhook ports must differ, got ${proxy}, ${admin}, ${webhook}`,
        });
      }
    }),
  /** Liveness and readiness probe timing (the startup probe is fixed: see proxy-container.ts). */
  probes: z
    .object({
      periodSeconds: z.number().int().min(1).default(DEFAULT_PROBES.periodSeconds),
      timeoutSeconds: z.number().int().min(1).default(DEFAULT_PROBES.timeoutSeconds),
      failureThreshold: z.number().int().min(1).default(DEFAULT_PROBES.failureThreshold),
    })
    .default(DEFAULT_PROBES),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

/** Parsed injection settings, every default applied. */
export type InjectionSettings = z.output<typeof InjectionSettingsSchema>;
/** Injection settings before defaults. */
export type InjectionSettingsInput = z.input<typeof InjectionSettingsSchema>;
