import { describe, expect, it } from 'vitest';
import { reviewBytes, reviewDoc } from '../test-support/admission-reviews.js';
import { parseAdmissionReview, reviewIdentity } from './admission-review.js';

const bytes = (doc: unknown) => Buffer.from(JSON.stringify(doc));

describe('parseAdmissionReview', () => {
  it('reads a v1 review and keeps its version and uid', () => {
    const parsed = parseAdmissionReview(reviewBytes('v1-create-configmap'));
    expect(parsed.ok && parsed.value.apiVersion).toBe('admission.k8s.io/v1');
    expect(parsed.ok && parsed.value.uid).toBe('705ab4f5-6393-11e8-b7cc-42010a800002');
    expect(parsed.ok && parsed.value.request.resource).toEqual({
      group: '',
      version: 'v1',
      resource: 'configmaps',
    });
  });

  it('reads a v1beta1 review, which the original refused to decode', () => {
    const parsed = parseAdmissionReview(reviewBytes('v1beta1-update-configmap'));
    expect(parsed.ok && parsed.value.apiVersion).toBe('admission.k8s.io/v1beta1');
    expect(parsed.ok && parsed.value.request.operation).toBe('UPDATE');
  });

  it('says what is wrong with what is not a review', () => {
    const noUid = reviewDoc('v1-create-configmap');
    delete noUid.request.uid;
    const v2 = { ...reviewDoc('v1-create-configmap'), apiVersion: 'admission.k8s.io/v2' };
    expect(parseAdmissionReview(Buffer.from('{'))).toMatchObject({ ok: false });
    expect(parseAdmissionReview(bytes(noUid))).toEqual({
      ok: false,
      problem: 'request.uid is missing',
    });
    expect(parseAdmissionReview(bytes(v2))).toMatchObject({
      ok: false,
      problem: expect.stringContaining('"admission.k8s.io/v2" is not one of'),
    });
  });
});

describe('reviewIdentity', () => {
  it('finds the uid of a review that is otherwise invalid', () => {
    const doc = reviewDoc('v1beta1-update-configmap');
    delete doc.request.resource;
    expect(reviewIdentity(bytes(doc))).toEqual({
      apiVersion: 'admission.k8s.io/v1beta1',
      uid: 'b2d3d2a0-1f7e-4a39-9d55-0c2f7f1b8e11',
    });
    expect(reviewIdentity(Buffer.from('not json'))).toBeUndefined();
  });
});
