import { z } from 'zod';
import { InjectionSettingsSchema } from './injection/injection-settings.js';

const duration = z.number().int().positive();

const DEFAULT_TIMINGS = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/**
 * The manager's whole configuration, with every default. `apps/manager` parses flags into this
 * once; everything inside takes the parsed {@link ManagerConfig} (or the slice it needs).
 */
export const ManagerConfigSchema = z.object({
  /** Watch only this namespace; absent: all namespaces. */
  namespace: z.string().min(1).optional(),
  leaderElection: z.object({
    /** Where the Lease lives. */
    namespace: z.string().min(1).default('default'),
    /** The Lease's name; deploy/rbac/manager.yaml grants this one. */
    leaseName: z.string().min(1).default('ctrlmesh-manager'),
    /** Holder identity in the Lease; unique per replica (the app makes `<hostname>_<pid>`). */
    identity: z.string().min(1),
    /** client-go's defaults and ordering: a leader steps down before anyone may take over. */
    timings: z
      .object({
        leaseDurationMs: duration.default(DEFAULT_TIMINGS.leaseDurationMs),
        renewDeadlineMs: duration.default(DEFAULT_TIMINGS.renewDeadlineMs),
        retryPeriodMs: duration.default(DEFAULT_TIMINGS.retryPeriodMs),
      })
      .default(DEFAULT_TIMINGS)
      .check((ctx) => {
        const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = ctx.value;
        if (leaseDurationMs <= renewDeadlineMs) {
          ctx.issues.push({
            code: 'custom',
            input: ctx.value,
            path: ['leaseDurationMs'],
            message: 'the lease duration must be greater than the renew deadline',
          });
        }
        if (renewDeadlineMs <= retryPeriodMs) {
          ctx.issues.push({
            code: 'custom',
            input: ctx.value,
            path: ['renewDeadlineMs'],
            message: 'the renew deadline must be greater than the retry period',
          });
        }
      }),
  }),
  /** A pod not Ready for this long no longer holds a handover. */
  podGracePeriodMs: duration.default(30_000),
  /** ControllerRevisions kept per VirtualApp; the current and the previous always are. */
  revisionHistoryLimit: z.number().int().min(2).max(1000).default(10),
  /** Where `/metrics`, `/healthz` and `/readyz` listen (port 0: any free port). */
  admin: z
    .object({
      host: z.string().min(1).default('0.0.0.0'),
      port: z.number().int().min(0).max(65_535).default(9090),
    })
    .default({ host: '0.0.0.0', port: 9090 }),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** The admission webhook server and its certificates (DESIGN §6 "Webhooks"). */
  webhook: z
    .object({
      /** Where the HTTPS admission server listens (port 0: any free port). */
      host: z.string().min(1).default('0.0.0.0'),
      port: z.number().int().min(0).max(65_535).default(9443),
      /** The Service in front of the manager: the serving certificate names `<service>.<ns>.svc`. */
      serviceName: z.string().min(1).default('ctrlmesh-manager'),
      /** The Service's and the Secret's namespace; absent: the leader election namespace. */
      namespace: z.string().min(1).optional(),
      /**
       * More names for the serving certificate (DNS names or IP addresses), for a webhook
       * configuration that calls a `url:` rather than the Service: local runs and tests.
       */
      urlHosts: z.array(z.string().min(1)).default([]),
      /** The Secret that keeps the CA and the serving certificate. */
      secretName: z.string().min(1).default('ctrlmesh-webhook-certs'),
      /** The webhook configurations whose `caBundle` the leader writes. */
      validatingConfigurationName: z.string().min(1).default('ctrlmesh'),
      mutatingConfigurationName: z.string().min(1).default('ctrlmesh'),
      /** A serving certificate's lifetime (its CA lives twice as long). */
      certValidityMs: duration.default(365 * 86_400_000),
      /** A new CA is staged this long before the serving certificate expires. */
      certRenewBeforeMs: duration.default(30 * 86_400_000),
    })
    .prefault({})
    .check((ctx) => {
      if (ctx.value.certRenewBeforeMs >= ctx.value.certValidityMs) {
        ctx.issues.push({
          code: 'custom',
          input: ctx.value,
          path: ['certRenewBeforeMs'],
          message: 'the renewal must start before the certificate expires (less than its validity)',
        });
      }
    }),
  /** What the `/inject-pod` webhook puts in opted-in pods (proxy image, resources, probes...). */
  injection: InjectionSettingsSchema.prefault({}),
});

/** A parsed manager configuration (every default applied). */
export type ManagerConfig = z.output<typeof ManagerConfigSchema>;
/** What a caller writes before defaults: only `leaderElection.identity` is required. */
export type ManagerConfigInput = z.input<typeof ManagerConfigSchema>;

/** Parses `input` with {@link ManagerConfigSchema}; throws a ZodError listing every problem. */
export const defineManagerConfig = (input: ManagerConfigInput): ManagerConfig =>
  ManagerConfigSchema.parse(input);
