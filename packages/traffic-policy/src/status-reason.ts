/**
 * `metav1.StatusReason` values a fault may answer with, each with the HTTP code Kubernetes pairs
 * it with. client-go's `apierrors.IsConflict` and friends read the reason first and fall back to
 * the code only when the reason is unknown, so a fault whose reason and code disagree would be
 * read differently by different checks: validation refuses the mix.
 */
export const STATUS_REASON_CODES = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Expired: 410,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
  TooManyRequests: 429,
  InternalError: 500,
  ServerTimeout: 500,
  ServiceUnavailable: 503,
  Timeout: 504,
} as const;

/** A `metav1.StatusReason` a fault may use. */
export type StatusReason = keyof typeof STATUS_REASON_CODES;

/** Every {@link StatusReason}, for schemas. */
export const STATUS_REASONS = Object.keys(STATUS_REASON_CODES) as [StatusReason, ...StatusReason[]];

// The reason the apiserver itself gives a code when it has a choice (409 is Conflict for a stale
// resourceVersion, 410 is Expired for a watch that is too old).
const DEFAULT_REASONS: Readonly<Record<number, StatusReason>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The reason the apiserver gives `code` by default; undefined when Kubernetes names none. */
export const defaultReasonFor = (code: number): StatusReason | undefined => DEFAULT_REASONS[code];
