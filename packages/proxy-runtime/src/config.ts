import { z } from 'zod';

const port = z.number().int().min(0).max(65535);

/** The default of `routes.maxFileBytes`: the largest VirtualApp or state file read, 1 MiB. */
export const DEFAULT_MAX_ROUTES_FILE_BYTES = 1024 * 1024;
const labels = z.record(z.string(), z.string());

const TlsSchema = z.discriminatedUnion('mode', [
  // Plain HTTP on loopback: for clients configured through a kubeconfig with an http:// server.
  z.object({ mode: z.literal('none') }),
  // A certificate the pod was given (e.g. by the manager's injector).
  z.object({ mode: z.literal('files'), certFile: z.string().min(1), keyFile: z.string().min(1) }),
  // A certificate the proxy makes at start; its CA is written to `caOutFile` for the controller.
  // With `serviceAccountFrom`, `token` and `namespace` beside it link to that folder's (injection:
  // the CA's folder becomes the controller's service-account folder). With `stateFile`, the
  // certificate and its key are kept there and served again after a restart while still good
  // (kept-certificate.ts), so a controller that read its ca.crt once keeps trusting the proxy.
  z
    .object({
      mode: z.literal('self-signed'),
      caOutFile: z.string().min(1).optional(),
      serviceAccountFrom: z.string().min(1).optional(),
      stateFile: z.string().min(1).optional(),
    })
    .refine((tls) => tls.serviceAccountFrom === undefined || tls.caOutFile !== undefined, {
      message: 'serviceAccountFrom needs caOutFile: the links are made beside the CA',
      path: ['serviceAccountFrom'],
    }),
]);

/**
 * The proxy's whole configuration, with every default. Apps parse flags, env and files into this once;
 * everything inside takes the parsed `ProxyConfig` (or the slice it needs).
 */
export const ProxyConfigSchema = z.object({
  /** Who this proxy serves: the pod's identity and labels decide its subset. */
  pod: z.object({
    name: z.string().min(1),
    namespace: z.string().min(1),
    labels: labels.default({}),
  }),
  /** Where controllers reach the proxy; loopback by default (it is a sidecar). */
  listen: z
    .object({
      host: z.string().min(1).default('127.0.0.1'),
      port: port.default(5443),
      tls: TlsSchema.default({ mode: 'none' }),
    })
    .default({ host: '127.0.0.1', port: 5443, tls: { mode: 'none' } }),
  /** `/metrics`, `/healthz`, `/readyz`. */
  admin: z
    .object({ host: z.string().min(1).default('127.0.0.1'), port: port.default(5441) })
    .default({ host: '127.0.0.1', port: 5441 }),
  /** The kube-apiserver. Its certificate is always verified unless explicitly told otherwise. */
  upstream: z.object({
    url: z.url({ protocol: /^https?$/ }),
    /** PEM CA bundle file to verify the apiserver; the system roots when neither is set. */
    caFile: z.string().min(1).optional(),
    /** PEM CA bundle inline (a kubeconfig's `certificate-authority-data`, decoded). */
    caData: z.string().min(1).optional(),
    insecureSkipTlsVerify: z.boolean().default(false),
    /**
     * Connections for short requests, per pool: those without a body (gets, lists) and those with
     * one (writes, lease renewals). Long-running ones never take these, so a controller's watches
     * cannot starve its own leader election (issue 9).
     */
    connections: z.number().int().positive().default(64),
    /**
     * Connections for long-running requests (watches, `log?follow`, exec/attach/port-forward), one
     * each under HTTP/1.1. The apiserver does not count these against `--max-requests-inflight`, so
     * the cap is generous: past it, a new watch waits for one to end, and short requests are unaffected.
     */
    longRunningConnections: z.number().int().positive().default(1024),
    /**
     * Short requests over HTTP/2 (ALPN), multiplexed on few connections as client-go does; off
     * by default until the benchmark says it pays (issue 13). Long-running ones stay on HTTP/1.1.
     */
    http2: z.boolean().default(false),
    keepAliveTimeoutMs: z.number().int().positive().default(30_000),
    headersTimeoutMs: z.number().int().positive().default(60_000),
    /** Gap allowed between body chunks for non-watch requests; watches never time out (0). */
    bodyTimeoutMs: z.number().int().positive().default(60_000),
  }),
  /**
   * The proxy's own credential, used only to watch namespaces (their labels decide ownership) and,
   * in cluster mode, its VirtualApp, ControllerRevisions and pods, and to report on its own pod.
   * Never used for the controller's requests, which carry the controller's own credentials.
   */
  credentials: z.object({ tokenFile: z.string().min(1).optional() }).default({}),
  routes: z
    .object({
      /** A VirtualApp YAML file: the standalone source of routes. */
      virtualAppFile: z.string().min(1).optional(),
      /**
       * The VirtualApp to follow in the cluster (in the pod's namespace), with its published
       * ControllerRevisions; needs `credentials.tokenFile`. Exclusive with `virtualAppFile`.
       */
      virtualAppName: z.string().min(1).optional(),
      /** Where the last known routes are persisted (atomically) and reloaded from at start. */
      stateFile: z.string().min(1).optional(),
      /**
       * The largest VirtualApp or state file read (1 MiB): a larger one is refused with an error
       * naming it, and the current routes stay. Parsing costs ~1 s of CPU per MB (issue 9).
       */
      maxFileBytes: z.number().int().positive().default(DEFAULT_MAX_ROUTES_FILE_BYTES),
    })
    .default({ maxFileBytes: DEFAULT_MAX_ROUTES_FILE_BYTES }),
  /**
   * TrafficPolicies and FaultInjections (DESIGN §8): from `file` when set; otherwise, in cluster
   * mode (`routes.virtualAppName`), from the pod's namespace with the proxy's own token; otherwise
   * none, and requests pass the policy stage with one check.
   */
  policies: z
    .object({
      /** A YAML or JSON file of TrafficPolicy and FaultInjection documents, polled every second. */
      file: z.string().min(1).optional(),
    })
    .default({}),
  /**
   * The webhook front (off when absent): a TLS server with the controller's own certificate that
   * routes AdmissionReviews to the subset owning their object (docs/decisions/0003-webhook-routing.md).
   */
  webhook: z
    .object({
      /** Where the apiserver reaches the front: the pod's address, so all interfaces by default. */
      host: z.string().min(1).default('0.0.0.0'),
      /** The original's port. */
      port: port.default(5445),
      /** The controller's cert dir: tls.crt/tls.key (or cert.pem/key.pem), reloaded on change. */
      certDir: z.string().min(1),
      /** CA that verifies the controller's webhook and the peers; default `<certDir>/ca.crt`, else the cert. */
      caFile: z.string().min(1).optional(),
      /** The controller's own webhook port on loopback. */
      controllerPort: z.number().int().min(1).max(65535),
      /** YAML/JSON map of subset -> `https://host:port` fronts of its pods (until the manager feeds them). */
      peersFile: z.string().min(1).optional(),
      /** What a review the proxy cannot get decided gets: `Fail` denies, `Ignore` allows with a warning. */
      failurePolicy: z.enum(['Fail', 'Ignore']).default('Fail'),
      /** One call to the controller or one peer. */
      attemptTimeoutMs: z.number().int().positive().default(4_000),
      /** All attempts of one review; below the apiserver's default webhook timeout of 10 s. */
      totalTimeoutMs: z.number().int().positive().default(9_000),
      /** How often the cert dir is re-read besides fs.watch events. */
      certPollMs: z.number().int().positive().default(2_000),
    })
    .optional(),
  /** Overrides the VirtualApp's `configuration.restConfigOverrides.userAgentOrPrefix` when set. */
  userAgentOverride: z.string().min(1).optional(),
  /** Overrides the VirtualApp's `configuration.controller.leaderElectionName` when set. */
  leaderElectionName: z.string().min(1).optional(),
  limits: z
    .object({
      /** The largest list item or watch event the proxy will hold to decide on it (the original: 16 MiB). */
      maxFrameBytes: z
        .number()
        .int()
        .positive()
        .default(16 * 1024 * 1024),
      /** The largest protobuf list it will hold whole (only for clients that accept no JSON). */
      maxListBytes: z
        .number()
        .int()
        .positive()
        .default(256 * 1024 * 1024),
    })
    .default({ maxFrameBytes: 16 * 1024 * 1024, maxListBytes: 256 * 1024 * 1024 }),
  shutdown: z
    .object({ drainTimeoutMs: z.number().int().nonnegative().default(30_000) })
    .default({ drainTimeoutMs: 30_000 }),
  log: z
    .object({ level: z.enum(['debug', 'info', 'warn', 'error']).default('info') })
    .default({ level: 'info' }),
});

/** The proxy's configuration with every default filled in. */
export type ProxyConfig = z.output<typeof ProxyConfigSchema>;

/** What a caller must or may give; everything else defaults. */
export type ProxyConfigInput = z.input<typeof ProxyConfigSchema>;

/** Builds a complete, valid config from a typed partial one (for tests and embedders); throws on invalid input. */
export const defineProxyConfig = (input: ProxyConfigInput): ProxyConfig =>
  ProxyConfigSchema.parse(input);
