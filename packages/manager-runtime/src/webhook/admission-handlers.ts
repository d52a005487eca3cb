import type { AdmissionDecision, AdmissionRequest } from './admission-review.js';

/**
 * Decides one admission request. It may be async; a throw (or a rejection) is answered with HTTP
 * 500, so the apiserver applies the webhook's `failurePolicy` instead of reading it as a denial.
 */
export type AdmissionHandler = (
  request: AdmissionRequest,
) => AdmissionDecision | Promise<AdmissionDecision>;

/**
 * The admission handlers the manager serves, by URL path (`/validate-virtualapp`,
 * `/inject-pod`): the path a webhook configuration's `clientConfig` names.
 */
export type AdmissionHandlers = Readonly<Record<string, AdmissionHandler>>;
