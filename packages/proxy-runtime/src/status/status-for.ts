import { upstreamFailure } from '../upstream/upstream-failure.js';
import { type InjectedFaultError, isProxyError, type ProxyErrorCode } from './proxy-error.js';
import type { Status, StatusReason } from './status.js';

// One row per error code: a new code that is not mapped here does not compile.
const STATUS = {
  OUTSIDE_SLICE: { code: 403, reason: 'Forbidden' },
  EXCLUDED: { code: 403, reason: 'Forbidden' },
  REVOKED: { code: 403, reason: 'Forbidden' },
  DEFAULT_ONLY_USER_AGENT: { code: 403, reason: 'Forbidden' },
  NO_ROUTES_YET: { code: 503, reason: 'ServiceUnavailable' },
  BAD_REQUEST: { code: 400, reason: 'BadRequest' },
  UPSTREAM_UNAVAILABLE: { code: 503, reason: 'ServiceUnavailable' },
  UPSTREAM_UNTRUSTED: { code: 503, reason: 'ServiceUnavailable' },
  UPSTREAM_TIMEOUT: { code: 504, reason: 'Timeout' },
  // Kubernetes has no BadGateway reason; InternalError is what clients treat as a server fault.
  UPSTREAM_MALFORMED: { code: 502, reason: 'InternalError' },
  FRAME_TOO_LARGE: { code: 500, reason: 'InternalError' },
  WATCH_EXPIRED: { code: 410, reason: 'Expired' },
  MIXED_SLICE: { code: 403, reason: 'Forbidden' },
  UNREADABLE_BODY: { code: 415, reason: 'UnsupportedMediaType' },
  RATE_LIMITED: { code: 429, reason: 'TooManyRequests' },
  CIRCUIT_OPEN: { code: 503, reason: 'ServiceUnavailable' },
  // The fault's own code and reason replace these (below); this row is what a fault without them would get.
  INJECTED_FAULT: { code: 500, reason: 'InternalError' },
} as const satisfies Record<ProxyErrorCode, { code: number; reason: StatusReason }>;

/** The metav1.Status for an error, and whether the error was unexpected (to be logged once). */
export interface StatusOutcome {
  readonly status: Status;
  readonly unexpected: boolean;
}

/**
 * Turns any thrown value into the metav1.Status the controller receives: the proxy's own errors by
 * the table above, failures to talk to the apiserver as the proxy error they mean (a watch whose
 * apiserver died ends with 503, not 500), anything else as 500 InternalError (the caller logs it,
 * once).
 */
export const statusFor = (thrown: unknown): StatusOutcome => {
  const error = isProxyError(thrown) ? thrown : (upstreamFailure(thrown) ?? thrown);
  // A code from another (newer) installed copy may be missing from this table: treat it as unknown.
  const row = isProxyError(error)
    ? (STATUS as Record<string, (typeof STATUS)[ProxyErrorCode]>)[error.code]
    : undefined;
  if (isProxyError(error) && row !== undefined) {
    const retry = error.retryAfterSeconds;
    // Matched on `code`, not `instanceof`: it survives two installed copies of this package.
    const { code, reason } =
      error.code === 'INJECTED_FAULT' ? (error as InjectedFaultError).status : row;
    return {
      unexpected: false,
      status: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: error.message,
        reason: reason as StatusReason,
        ...(retry === undefined ? {} : { details: { retryAfterSeconds: retry } }),
        code,
      },
    };
  }
  return {
    unexpected: true,
    status: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'ctrlmesh-proxy failed unexpectedly while handling this request; see its logs',
      reason: 'InternalError',
      code: 500,
    },
  };
};
