import { AuthenticationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig } from '../support/kube-config.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

describe('Service-account tokens without a controller-manager', () => {
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const authentication = admin.makeApiClient(AuthenticationV1Api);
  let namespace: string;
  let token: string;

  beforeAll(async () => {
    namespace = await uniqueNamespace('tokens');
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'robot' } } });
  });

  it('issues a bound token through TokenRequest', async () => {
    const request = await core.createNamespacedServiceAccountToken({
      name: 'robot',
      namespace,
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    token = request.status?.token ?? '';
    expect(token.split('.')).toHaveLength(3);
    const expires = new Date(request.status?.expirationTimestamp ?? 0).getTime();
    expect(expires).toBeGreaterThan(Date.now());
  });

  it('validates the token through TokenReview', async () => {
    const review = await authentication.createTokenReview({ body: { spec: { token } } });
    expect(review.status?.authenticated).toBe(true);
    expect(review.status?.user?.username).toBe(`system:serviceaccount:${namespace}:robot`);
    expect(review.status?.user?.groups).toContain(`system:serviceaccounts:${namespace}`);
  });

  it('rejects a token it did not sign', async () => {
    const [header, payload] = token.split('.');
    const review = await authentication.createTokenReview({
      body: { spec: { token: `${header}.${payload}.bm90LXNpZ25lZA` } },
    });
    // The apiserver omits "authenticated" when false and leaves the user empty.
    expect(review.status?.authenticated ?? false).toBe(false);
    expect(review.status?.user?.username).toBeUndefined();
  });

  it('authenticates requests that carry the token', async () => {
    const kas = inject('kas');
    const robot = new KubeConfig();
    robot.loadFromClusterAndUser(
      { name: 'kas', server: kas.url, caFile: kas.caFile, skipTLSVerify: false },
      { name: 'robot', token },
    );
    const whoami = await robot
      .makeApiClient(AuthenticationV1Api)
      .createSelfSubjectReview({ body: {} });
    expect(whoami.status?.userInfo?.username).toBe(`system:serviceaccount:${namespace}:robot`);
  });
});
