import { describe, expect, it } from 'vitest';
import { allowed, denied, failed, failureStatus } from './admission-response.js';
import type { ReviewIdentity } from './admission-review.js';

const v1: ReviewIdentity = { apiVersion: 'admission.k8s.io/v1', uid: 'u-1' };
const v1beta1: ReviewIdentity = { apiVersion: 'admission.k8s.io/v1beta1', uid: 'u-2' };
const failure = { code: 503, reason: 'ServiceUnavailable', message: 'no pod of v2' } as const;

describe('admission replies', () => {
  it('echo the apiVersion, kind and uid they were asked with (reference §10.2 item 5)', () => {
    for (const review of [v1, v1beta1]) {
      expect(allowed(review)).toEqual({
        apiVersion: review.apiVersion,
        kind: 'AdmissionReview',
        response: { uid: review.uid, allowed: true },
      });
      expect(denied(review, failureStatus(failure))).toMatchObject({
        apiVersion: review.apiVersion,
        kind: 'AdmissionReview',
        response: { uid: review.uid, allowed: false, status: { code: 503 } },
      });
    }
  });

  it('deny a failure under Fail and allow it with a warning under Ignore', () => {
    expect(failed(v1, 'Fail', failure).response).toEqual({
      uid: 'u-1',
      allowed: false,
      status: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'no pod of v2',
        reason: 'ServiceUnavailable',
        code: 503,
      },
    });
    expect(failed(v1, 'Ignore', failure).response).toEqual({
      uid: 'u-1',
      allowed: true,
      warnings: ['no pod of v2 (allowed: ctrlmesh webhook failure policy is Ignore)'],
    });
  });
});
