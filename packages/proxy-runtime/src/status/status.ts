/** The `reason` values of metav1.Status that the proxy uses (a subset of Kubernetes' StatusReason). */
export type StatusReason =
  | 'Forbidden'
  | 'BadRequest'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'InternalError'
  | 'Expired'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  // Reasons a FaultInjection may answer with (traffic-policy's STATUS_REASON_CODES).
  | 'Conflict'
  | 'AlreadyExists'
  | 'NotFound'
  | 'Gone'
  | 'Invalid'
  | 'ServerTimeout'
  | 'Unauthorized'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge';

/** A Kubernetes `metav1.Status` failure, as the apiserver would send it. */
export interface Status {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure';
  readonly message: string;
  readonly reason: StatusReason;
  readonly details?: {
    readonly name?: string;
    readonly group?: string;
    readonly kind?: string;
    readonly retryAfterSeconds?: number;
  };
  readonly code: number;
}
