import type { Status, StatusReason } from '../status/status.js';
import type { AdmissionApiVersion, ReviewIdentity } from './admission-review.js';

/**
 * What the proxy answers when it cannot get a review decided (no routes, no peer, a timeout):
 * `Fail` denies, as a webhook with `failurePolicy: Fail` would be treated; `Ignore` allows with a
 * warning the client sees. See docs/decisions/0003-webhook-routing.md.
 */
export type WebhookFailurePolicy = 'Fail' | 'Ignore';

/** An AdmissionReview reply as the apiserver reads it. */
export interface AdmissionReviewReply {
  readonly apiVersion: AdmissionApiVersion;
  readonly kind: 'AdmissionReview';
  readonly response: {
    readonly uid: string;
    readonly allowed: boolean;
    readonly status?: Status;
    readonly warnings?: readonly string[];
  };
}

// Every reply echoes the version and uid it was asked with: the original proxy left both out of its
// own replies, so the apiserver rejected them (reference §10.2 item 5, Appendix A item 9).
const reply = (
  review: ReviewIdentity,
  response: Omit<AdmissionReviewReply['response'], 'uid'>,
): AdmissionReviewReply => ({
  apiVersion: review.apiVersion,
  kind: 'AdmissionReview',
  response: { uid: review.uid, ...response },
});

/** Allows the request unchanged (e.g. an object outside every slice), with optional warnings. */
export const allowed = (
  review: ReviewIdentity,
  warnings: readonly string[] = [],
): AdmissionReviewReply =>
  reply(review, { allowed: true, ...(warnings.length ? { warnings } : {}) });

/** Denies the request with a `metav1.Status` the client sees as the admission error. */
export const denied = (review: ReviewIdentity, status: Status): AdmissionReviewReply =>
  reply(review, { allowed: false, status });

/** A failure of the proxy itself, before the policy decides what it means for the request. */
export interface WebhookFailure {
  readonly code: number;
  readonly reason: StatusReason;
  readonly message: string;
}

/** The `metav1.Status` of a failure. */
export const failureStatus = (failure: WebhookFailure): Status => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: failure.message,
  reason: failure.reason,
  code: failure.code,
});

/** The reply to a failure under `policy`: denied with its status (`Fail`), or allowed with a warning. */
export const failed = (
  review: ReviewIdentity,
  policy: WebhookFailurePolicy,
  failure: WebhookFailure,
): AdmissionReviewReply =>
  policy === 'Fail'
    ? denied(review, failureStatus(failure))
    : allowed(review, [`${failure.message} (allowed: ctrlmesh webhook failure policy is Ignore)`]);
