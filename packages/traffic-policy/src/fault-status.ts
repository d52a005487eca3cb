import { defaultReasonFor, type StatusReason } from './status-reason.js';

/** A `metav1.Status` failure, as the proxy answers an aborted request or ends a watch. */
export interface FailureStatus {
  readonly apiVersion: 'v1';
  readonly kind: 'Status';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure';
  readonly message: string;
  readonly reason: StatusReason | string;
  readonly code: number;
  /** client-go waits this long before a retry (the proxy sets `Retry-After` to match). */
  readonly details?: { readonly retryAfterSeconds: number } | undefined;
}

/** Builds a failure Status; the reason defaults to the one Kubernetes gives `code`. */
export const failureStatus = (options: {
  readonly code: number;
  readonly reason?: string | undefined;
  readonly message: string;
  readonly retryAfterSeconds?: number | undefined;
}): FailureStatus => ({
  apiVersion: 'v1',
  kind: 'Status',
  metadata: {},
  status: 'Failure',
  message: options.message,
  reason: options.reason ?? defaultReasonFor(options.code) ?? '',
  code: options.code,
  ...(options.retryAfterSeconds === undefined
    ? {}
    : { details: { retryAfterSeconds: options.retryAfterSeconds } }),
});
