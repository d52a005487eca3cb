import { type AdmissionregistrationV1Api, ApiException } from '@kubernetes/client-node';
import type { CaBundleTarget } from '../certificates/certificate-ports.js';

/** The names of the manager's webhook configurations. */
export interface WebhookConfigurationNames {
  readonly validating: string;
  readonly mutating: string;
}

const codeOf = (error: unknown): number | undefined =>
  error instanceof ApiException ? error.code : undefined;

/**
 * Writes `caBundle` into every webhook of the manager's Validating- and
 * MutatingWebhookConfiguration: a read, then a replace guarded by the resourceVersion read, only
 * where a bundle differs. A configuration that is not installed is skipped (it gets its bundle on
 * a later pass once it exists).
 */
export const kubeCaBundles = (
  api: AdmissionregistrationV1Api,
  names: WebhookConfigurationNames,
): CaBundleTarget => {
  const orAbsent = async <T>(read: Promise<T>): Promise<T | undefined> => {
    try {
      return await read;
    } catch (error) {
      if (codeOf(error) === 404) return undefined;
      throw error;
    }
  };
  return {
    async ensure(pem) {
      const caBundle = Buffer.from(pem).toString('base64');
      const changed: string[] = [];
      const validating = await orAbsent(
        api.readValidatingWebhookConfiguration({ name: names.validating }),
      );
      if (validating?.webhooks?.some((hook) => hook.clientConfig.caBundle !== caBundle)) {
        validating.webhooks = validating.webhooks.map((hook) => ({
          ...hook,
          clientConfig: { ...hook.clientConfig, caBundle },
        }));
        await api.replaceValidatingWebhookConfiguration({
          name: names.validating,
          body: validating,
        });
        changed.push(`ValidatingWebhookConfiguration/${names.validating}`);
      }
      const mutating = await orAbsent(
        api.readMutatingWebhookConfiguration({ name: names.mutating }),
      );
      if (mutating?.webhooks?.some((hook) => hook.clientConfig.caBundle !== caBundle)) {
        mutating.webhooks = mutating.webhooks.map((hook) => ({
          ...hook,
          clientConfig: { ...hook.clientConfig, caBundle },
        }));
        await api.replaceMutatingWebhookConfiguration({ name: names.mutating, body: mutating });
        changed.push(`MutatingWebhookConfiguration/${names.mutating}`);
      }
      return changed;
    },
  };
};
