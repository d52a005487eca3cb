import { channel } from 'node:diagnostics_channel';

/**
 * Every instrumentation point of the proxy, as named `node:diagnostics_channel` channels (undici's
 * `lib/core/diagnostics.js` pattern). Stages and servers publish here and never import prom-client or
 * the logger; `observe/metrics.ts` and `observe/log.ts` subscribe.
 */
export interface TypedChannel<T> {
  readonly name: string;
  readonly hasSubscribers: boolean;
  publish(message: T): void;
  subscribe(listener: (message: T) => void): () => void;
}

const typed = <T>(name: string): TypedChannel<T> => {
  const ch = channel(name);
  return {
    name,
    get hasSubscribers() {
      return ch.hasSubscribers;
    },
    publish: (message) => ch.publish(message),
    subscribe: (listener) => {
      const wrapped = (message: unknown) => listener(message as T);
      ch.subscribe(wrapped);
      return () => ch.unsubscribe(wrapped);
    },
  };
};

/** What the proxy decided for a request, for metrics and logs. */
export type DecisionLabel =
  | 'owned'
  | 'public'
  | 'filtered'
  | 'denied'
  | 'excluded'
  | 'revoked'
  | 'passthrough'
  | 'no-routes'
  | 'unknown';

/** One finished request: its answer was sent whole, its client left, or the answer was cut. */
export interface RequestEnd {
  readonly id: string;
  readonly verb: string;
  readonly resource: string;
  /** The HTTP status of the answer (the one its head carried, or would have). */
  readonly code: number;
  readonly decision: DecisionLabel;
  /** From the request to the end of its answer (a watch: until it closed). */
  readonly durationMs: number;
  /**
   * Set when the answer failed after its status was decided and the connection was cut (the
   * client saw an error, not a short answer): why. Counted and logged as code `aborted`.
   */
  readonly failure?: string;
}

/**
 * A request's code in metrics and logs: its HTTP status, or `aborted` for an answer cut after its
 * status was decided (that status never reached the client whole, so it must not count as one).
 */
export const requestCode = (end: RequestEnd): string =>
  end.failure === undefined ? String(end.code) : 'aborted';

/** One upstream exchange, from sending the request to receiving the response head. */
export interface UpstreamResponse {
  readonly verb: string;
  readonly code: number;
  readonly durationMs: number;
}

/** Objects kept and dropped by a list filter, or events by a watch filter. */
export interface ObjectsFiltered {
  readonly resource: string;
  readonly source: 'list' | 'watch';
  readonly kept: number;
  readonly dropped: number;
}

/** A message for the structured log. Never carries tokens or bodies. */
export interface LogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** Request finished. */
export const requestEnd = typed<RequestEnd>('ctrlmesh:proxy:request:end');
/** Upstream answered (response head). */
export const upstreamResponse = typed<UpstreamResponse>('ctrlmesh:proxy:upstream:response');
/** A list or watch filter finished a batch. */
export const objectsFiltered = typed<ObjectsFiltered>('ctrlmesh:proxy:objects:filtered');
/** A filtered watch opened (+1) or closed (-1). */
export const watchCount = typed<{ readonly delta: 1 | -1 }>('ctrlmesh:proxy:watch:count');
/** A routes snapshot became current. */
export const routesApplied = typed<{ readonly version: string; readonly generation: number }>(
  'ctrlmesh:proxy:routes:applied',
);
/** Structured log records. */
export const logRecord = typed<LogRecord>('ctrlmesh:proxy:log');

/** One AdmissionReview answered by the webhook front. */
export interface WebhookReview {
  /** `local`, `forwarded`, `excluded`, `failed` (failure policy answered), `fault` (a FaultInjection denied it) or `invalid`. */
  readonly decision: string;
  /** The owning subset, when known. */
  readonly owner: string;
  readonly apiVersion: string;
  /** HTTP status sent to the apiserver. */
  readonly code: number;
  readonly durationMs: number;
}

/** A peer of the owning subset failed; the front tried the next one (or gave up). */
export interface WebhookFailover {
  readonly owner: string;
  readonly peer: string;
  readonly problem: string;
}

/** The webhook front's serving certificate was loaded (again) or a change was rejected. */
export interface WebhookCertificate {
  readonly outcome: 'loaded' | 'rejected';
}

/** Review answered. */
export const webhookReview = typed<WebhookReview>('ctrlmesh:proxy:webhook:review');
/** Failed attempt at a peer. */
export const webhookFailover = typed<WebhookFailover>('ctrlmesh:proxy:webhook:failover');
/** Serving certificate loaded or rejected. */
export const webhookCertificate = typed<WebhookCertificate>('ctrlmesh:proxy:webhook:certificate');

/** Why a traffic policy refused a request (a metric label). */
export type PolicyRejectionReason = 'RateLimited' | 'TooManyInFlight' | 'CircuitOpen';

/** A request refused by a rate limit or an open breaker of a TrafficPolicy. */
export interface PolicyRejection {
  /** `<namespace>/<policy>`. */
  readonly policy: string;
  /** The rule's name in its policy. */
  readonly rule: string;
  readonly reason: PolicyRejectionReason;
}

/** A breaker of a TrafficPolicy is in a state now (published at creation and on each change). */
export interface BreakerStateChange {
  readonly policy: string;
  readonly rule: string;
  readonly state: 'Closed' | 'Open' | 'HalfOpen';
  /** Why it changed (`Created` when the rule was first compiled, `Removed` when it went away). */
  readonly reason: string;
}

/** A fault of a FaultInjection acted on a request, a watch, a list or an AdmissionReview. */
export interface FaultInjected {
  readonly policy: string;
  /** The fault's name in its FaultInjection. */
  readonly fault: string;
  /** `delay`, `abort`, `watch` (a watch was cut), `slowList` or `admission`. */
  readonly kind: string;
  /** The status code an abort, a watch cut or an admission denial answered with; 0 for delays. */
  readonly code: number;
}

/** A rate limit or breaker refused a request. */
export const policyRejection = typed<PolicyRejection>('ctrlmesh:proxy:policy:rejection');
/** A breaker changed state. */
export const breakerState = typed<BreakerStateChange>('ctrlmesh:proxy:policy:breaker');
/** A fault was injected. */
export const faultInjected = typed<FaultInjected>('ctrlmesh:proxy:policy:fault');
