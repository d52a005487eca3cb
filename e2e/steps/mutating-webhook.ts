import {
  AdmissionregistrationV1Api,
  type KubeConfig,
  type V1RuleWithOperations,
} from '@kubernetes/client-node';

/** A mutating webhook reached by URL, limited to namespaces carrying `namespaceLabels`. */
export interface MutatingWebhookRegistration {
  name: string;
  /** Full HTTPS URL including the path, e.g. `https://127.0.0.1:9443/mutate`. */
  url: string;
  caBundle: string;
  rules: V1RuleWithOperations[];
  /** Scope the webhook to the test's own namespaces so parallel scenarios are not affected. */
  namespaceLabels: Record<string, string>;
  /** The AdmissionReview versions the webhook accepts, preferred first (default `['v1']`). */
  admissionReviewVersions?: string[];
}

/**
 * Registers a MutatingWebhookConfiguration with one webhook (failurePolicy Fail, no side
 * effects) and returns a function that deletes it. The apiserver picks new configurations up
 * through an informer, so callers should wait until the webhook is seen to be called.
 */
export async function givenMutatingWebhook(
  admin: KubeConfig,
  registration: MutatingWebhookRegistration,
): Promise<() => Promise<void>> {
  const api = admin.makeApiClient(AdmissionregistrationV1Api);
  await api.createMutatingWebhookConfiguration({
    body: {
      metadata: { name: registration.name },
      webhooks: [
        {
          name: `${registration.name}.e2e.ctrlmesh.io`,
          admissionReviewVersions: registration.admissionReviewVersions ?? ['v1'],
          sideEffects: 'None',
          failurePolicy: 'Fail',
          timeoutSeconds: 5,
          clientConfig: { url: registration.url, caBundle: registration.caBundle },
          rules: registration.rules,
          namespaceSelector: { matchLabels: registration.namespaceLabels },
        },
      ],
    },
  });
  return async () => {
    await api.deleteMutatingWebhookConfiguration({ name: registration.name });
  };
}
