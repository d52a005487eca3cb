import { DEFAULT_SUBSET, NO_SUBSET } from '@ctrlmesh/route-engine';

/**
 * Every failure the proxy itself produces. Callers match on `code` (it survives two installed copies
 * of this package); `isProxyError` answers through a `Symbol.for` brand for the same reason.
 */
export type ProxyErrorCode =
  | 'OUTSIDE_SLICE'
  | 'EXCLUDED'
  | 'REVOKED'
  | 'DEFAULT_ONLY_USER_AGENT'
  | 'NO_ROUTES_YET'
  | 'BAD_REQUEST'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_UNTRUSTED'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_MALFORMED'
  | 'FRAME_TOO_LARGE'
  | 'WATCH_EXPIRED'
  | 'MIXED_SLICE'
  | 'UNREADABLE_BODY'
  | 'RATE_LIMITED'
  | 'CIRCUIT_OPEN'
  | 'INJECTED_FAULT';

const BRAND = Symbol.for('ctrlmesh.proxy-runtime.ProxyError');

/** Base of every error the proxy makes on purpose; `status-for.ts` turns each into a metav1.Status. */
export abstract class ProxyError extends Error {
  abstract readonly code: ProxyErrorCode;
  /** Seconds a client should wait before retrying, when that helps (sent as `retryAfterSeconds`). */
  readonly retryAfterSeconds: number | undefined = undefined;
  readonly [BRAND] = true;
}

/** True for any ProxyError, even one thrown by another installed copy of this package. */
export const isProxyError = (value: unknown): value is ProxyError =>
  typeof value === 'object' && value !== null && (value as { [BRAND]?: boolean })[BRAND] === true;

/** What a request is about, for messages: `configmaps "foo" in namespace "bar"`. */
export interface Subject {
  readonly resource: string;
  readonly group: string;
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
}

const describe = (subject: Subject): string => {
  const resource = subject.group ? `${subject.resource}.${subject.group}` : subject.resource;
  const name = subject.name ? ` "${subject.name}"` : '';
  const where = subject.namespace ? ` in namespace "${subject.namespace}"` : '';
  return `${resource}${name}${where}`;
};

const subsetName = (subset: string): string => {
  if (subset === DEFAULT_SUBSET) return 'the default subset';
  if (subset === NO_SUBSET) return 'no subset while its own subset is handed over';
  return `subset "${subset}"`;
};

/** The request is about something another subset owns. */
export class OutsideSliceError extends ProxyError {
  readonly code = 'OUTSIDE_SLICE';
  constructor(
    readonly subject: Subject,
    readonly owner: string,
    readonly self: string,
  ) {
    super(
      `${describe(subject)} belongs to ${subsetName(owner)}; this pod serves ${subsetName(self)} (ctrlmesh)`,
    );
  }
}

/**
 * The request is about something the VirtualApp's global limits exclude. Answered with 403, not 404:
 * a 404 would invite create-on-miss loops that then fail anyway (see the package README).
 */
export class ExcludedError extends ProxyError {
  readonly code = 'EXCLUDED';
  constructor(readonly subject: Subject) {
    super(
      `${describe(subject)} is excluded by the VirtualApp's global limits; no subset serves it (ctrlmesh)`,
    );
  }
}

/**
 * The request is about something whose owner changes between two published revisions, during
 * `Revoking` (DESIGN §6): no subset may see or touch it until the handover settles, so that it
 * never has two owners at once. Answered with 403 like any target outside the slice.
 */
export class RevokedError extends ProxyError {
  readonly code = 'REVOKED';
  constructor(
    readonly subject: Subject,
    readonly previousRevision: string,
    readonly currentRevision: string,
  ) {
    super(
      `${describe(subject)} is being handed over between revisions ${previousRevision} and ${currentRevision}; no subset serves it until the handover settles, retry shortly (ctrlmesh)`,
    );
  }
}

/** The user agent is listed in `subsetDefaultOnlyUserAgents` and this pod is not in the default subset. */
export class DefaultOnlyUserAgentError extends ProxyError {
  readonly code = 'DEFAULT_ONLY_USER_AGENT';
  constructor(
    readonly userAgent: string,
    readonly self: string,
  ) {
    super(
      `user agent "${userAgent}" is served by the default subset only; this pod serves ${subsetName(self)} (ctrlmesh)`,
    );
  }
}

/** No routes are known yet (no VirtualApp loaded, nothing persisted): the proxy fails closed. */
export class NoRoutesYetError extends ProxyError {
  readonly code = 'NO_ROUTES_YET';
  override readonly retryAfterSeconds = 1;
  constructor() {
    super(
      'ctrlmesh-proxy has no routes yet and refuses resource requests until it has some; retry shortly',
    );
  }
}

/** The request cannot be understood (bad path or query). */
export class BadRequestError extends ProxyError {
  readonly code = 'BAD_REQUEST';
}

/** The kube-apiserver could not be reached. */
export class UpstreamUnavailableError extends ProxyError {
  readonly code = 'UPSTREAM_UNAVAILABLE';
  override readonly retryAfterSeconds = 1;
  constructor(readonly reason: string) {
    super(`the kube-apiserver is unavailable through ctrlmesh-proxy: ${reason}`);
  }
}

/**
 * The kube-apiserver's certificate failed verification (unknown CA, self-signed, expired, wrong
 * host name): a configuration fault of the proxy's upstream CA, or someone in the middle. Told
 * apart from plain unavailability so that the message points at the cause.
 */
export class UpstreamUntrustedError extends ProxyError {
  readonly code = 'UPSTREAM_UNTRUSTED';
  override readonly retryAfterSeconds = 1;
  constructor(
    /** Node's verification code, e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`. */
    readonly verifyCode: string,
    detail: string,
  ) {
    super(
      `ctrlmesh-proxy does not trust the kube-apiserver's certificate (${verifyCode}: ${detail}); check the proxy's upstream CA (--upstream-ca-file or --kubeconfig)`,
    );
  }
}

/** The kube-apiserver did not answer in time. */
export class UpstreamTimeoutError extends ProxyError {
  readonly code = 'UPSTREAM_TIMEOUT';
  constructor(readonly reason: string) {
    super(`the kube-apiserver did not answer ctrlmesh-proxy in time: ${reason}`);
  }
}

/** The kube-apiserver sent bytes the proxy must understand to filter but cannot parse. */
export class UpstreamMalformedError extends ProxyError {
  readonly code = 'UPSTREAM_MALFORMED';
}

/** A list item or watch frame is larger than the configured bound. */
export class FrameTooLargeError extends ProxyError {
  readonly code = 'FRAME_TOO_LARGE';
  constructor(readonly limitBytes: number) {
    super(
      `an object from the kube-apiserver exceeds ctrlmesh-proxy's frame limit of ${limitBytes} bytes`,
    );
  }
}

/** A watch must start over (routes changed, or its position is unknown to this proxy): re-list. */
export class WatchExpiredError extends ProxyError {
  readonly code = 'WATCH_EXPIRED';
}

/**
 * A collection request (deletecollection) whose objects belong to this subset or another depending on
 * their labels: the proxy cannot make the apiserver touch only this subset's share, so it refuses.
 */
export class MixedSliceError extends ProxyError {
  readonly code = 'MIXED_SLICE';
  constructor(readonly subject: Subject) {
    super(
      `${describe(subject)} holds objects of several subsets (decided by object labels); ctrlmesh-proxy refuses collection writes there: delete objects one by one`,
    );
  }
}

/** A body the proxy must read to decide (its labels) is not JSON. */
export class UnreadableBodyError extends ProxyError {
  readonly code = 'UNREADABLE_BODY';
}

/** A rate limit of a TrafficPolicy refused the request; it took no token (DESIGN §8). */
export class RateLimitedError extends ProxyError {
  readonly code = 'RATE_LIMITED';
  override readonly retryAfterSeconds: number;
  constructor(
    /** `<namespace>/<policy>`. */
    readonly policy: string,
    readonly rule: string,
    readonly reason: 'RateLimited' | 'TooManyInFlight',
    retryAfterSeconds: number,
  ) {
    const what = reason === 'RateLimited' ? 'rate limit' : 'cap on requests in flight';
    super(
      `the ${what} "${rule}" of TrafficPolicy ${policy} refused this request; retry after ${retryAfterSeconds}s (ctrlmesh)`,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A circuit breaker of a TrafficPolicy is open (or its half-open probes are taken). */
export class CircuitOpenError extends ProxyError {
  readonly code = 'CIRCUIT_OPEN';
  override readonly retryAfterSeconds: number;
  constructor(
    readonly policy: string,
    readonly rule: string,
    readonly state: string,
    retryAfterSeconds: number,
  ) {
    super(
      `the circuit breaker "${rule}" of TrafficPolicy ${policy} is ${state === 'Open' ? 'open' : 'half-open with every probe taken'}: the kube-apiserver failed too often; retry after ${retryAfterSeconds}s (ctrlmesh)`,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * A FaultInjection answered the request instead of the apiserver, with the `metav1.Status` its
 * fault names (any code, with the reason Kubernetes gives it): `status-for.ts` sends it as it is.
 */
export class InjectedFaultError extends ProxyError {
  readonly code = 'INJECTED_FAULT';
  override readonly retryAfterSeconds: number | undefined;
  constructor(
    readonly status: {
      readonly code: number;
      readonly reason: string;
      readonly message: string;
      readonly details?: { readonly retryAfterSeconds: number } | undefined;
    },
  ) {
    super(status.message);
    this.retryAfterSeconds = status.details?.retryAfterSeconds;
  }
}
