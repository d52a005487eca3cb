import {
  type AdmissionregistrationV1Api,
  ApiException,
  type V1MutatingWebhookConfiguration,
  type V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { kubeCaBundles } from './kube-ca-bundles.js';

const PEM = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
const BUNDLE = Buffer.from(PEM).toString('base64');

/** The two configurations as the apiserver holds them; absent ones answer 404. */
const fakeApi = (
  validating: V1ValidatingWebhookConfiguration | undefined,
  mutating: V1MutatingWebhookConfiguration | undefined,
) => {
  const replaced: string[] = [];
  const notFound = () => new ApiException(404, 'not found', '{}', {});
  const api = {
    readValidatingWebhookConfiguration: async () => {
      if (validating === undefined) throw notFound();
      return structuredClone(validating);
    },
    readMutatingWebhookConfiguration: async () => {
      if (mutating === undefined) throw notFound();
      return structuredClone(mutating);
    },
    replaceValidatingWebhookConfiguration: async ({
      body,
    }: {
      body: V1ValidatingWebhookConfiguration;
    }) => {
      replaced.push('validating');
      validating = body;
      return body;
    },
    replaceMutatingWebhookConfiguration: async ({
      body,
    }: {
      body: V1MutatingWebhookConfiguration;
    }) => {
      replaced.push('mutating');
      mutating = body;
      return body;
    },
  };
  return {
    api: api as unknown as AdmissionregistrationV1Api,
    replaced,
    current: () => ({ validating, mutating }),
  };
};

const hook = (name: string, caBundle?: string) => ({
  name,
  admissionReviewVersions: ['v1'],
  sideEffects: 'None',
  clientConfig: { url: `https://127.0.0.1:9443/${name}`, ...(caBundle ? { caBundle } : {}) },
});

describe('kubeCaBundles', () => {
  it('writes the bundle into every webhook of both configurations, keeping the rest', async () => {
    const fake = fakeApi(
      { metadata: { name: 'ctrlmesh', resourceVersion: '7' }, webhooks: [hook('validate')] },
      {
        metadata: { name: 'ctrlmesh', resourceVersion: '8' },
        webhooks: [hook('pods'), hook('namespaces', BUNDLE)],
      },
    );
    const changed = await kubeCaBundles(fake.api, {
      validating: 'ctrlmesh',
      mutating: 'ctrlmesh',
    }).ensure(PEM);
    expect(changed).toEqual([
      'ValidatingWebhookConfiguration/ctrlmesh',
      'MutatingWebhookConfiguration/ctrlmesh',
    ]);
    const { validating, mutating } = fake.current();
    expect(validating?.metadata?.resourceVersion).toBe('7');
    expect(validating?.webhooks?.[0]?.clientConfig).toEqual({
      url: 'https://127.0.0.1:9443/validate',
      caBundle: BUNDLE,
    });
    expect(mutating?.webhooks?.map((h) => h.clientConfig.caBundle)).toEqual([BUNDLE, BUNDLE]);
  });

  it('writes nothing when every bundle is already right', async () => {
    const fake = fakeApi(
      { metadata: { name: 'ctrlmesh' }, webhooks: [hook('validate', BUNDLE)] },
      { metadata: { name: 'ctrlmesh' }, webhooks: [hook('pods', BUNDLE)] },
    );
    const target = kubeCaBundles(fake.api, { validating: 'ctrlmesh', mutating: 'ctrlmesh' });
    expect(await target.ensure(PEM)).toEqual([]);
    expect(fake.replaced).toEqual([]);
  });

  it('skips a configuration that is not installed', async () => {
    const fake = fakeApi(undefined, { metadata: { name: 'ctrlmesh' }, webhooks: [hook('pods')] });
    const target = kubeCaBundles(fake.api, { validating: 'ctrlmesh', mutating: 'ctrlmesh' });
    expect(await target.ensure(PEM)).toEqual(['MutatingWebhookConfiguration/ctrlmesh']);
  });
});
