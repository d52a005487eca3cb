import { allowed, failed, parseAdmissionReview } from '@ctrlmesh/proxy-runtime';

// What the webhook front answers by itself: always in the version asked, with the request's uid.
const body = Buffer.from(
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1beta1',
    kind: 'AdmissionReview',
    request: {
      uid: 'b2d3d2a0',
      resource: { group: '', version: 'v1', resource: 'configmaps' },
      namespace: 'kube-system',
      name: 'settings',
      operation: 'CREATE',
      object: { metadata: { name: 'settings', namespace: 'kube-system' } },
    },
  }),
);
const review = parseAdmissionReview(body);
if (!review.ok) throw new Error(review.problem);

// An object outside every slice: allowed at once.
console.log(JSON.stringify(allowed(review.value)));
// No pod of the owning subset answered, under the default failure policy.
const noPod = {
  code: 503,
  reason: 'ServiceUnavailable',
  message: 'no webhook pod of subset "v2" answered',
} as const;
console.log(JSON.stringify(failed(review.value, 'Fail', noPod).response));

// Output:
// {"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","response":{"uid":"b2d3d2a0","allowed":true}}
// {"uid":"b2d3d2a0","allowed":false,"status":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"no webhook pod of subset \"v2\" answered","reason":"ServiceUnavailable","code":503}}
