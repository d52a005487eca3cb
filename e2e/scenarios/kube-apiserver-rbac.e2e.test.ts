import { AuthenticationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { givenRole } from '../steps/rbac.js';
import { adminKubeConfig, userKubeConfig } from '../support/kube-config.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

describe('RBAC confines a non-admin user to what a Role grants', () => {
  const admin = adminKubeConfig();
  const alice = userKubeConfig('alice');
  const aliceCore = alice.makeApiClient(CoreV1Api);
  const bobCore = userKubeConfig('bob').makeApiClient(CoreV1Api);
  let granted: string;
  let other: string;

  beforeAll(async () => {
    granted = await uniqueNamespace('rbac-granted');
    other = await uniqueNamespace('rbac-other');
  });

  it('authenticates the static token user as itself, not as an admin', async () => {
    const review = await alice
      .makeApiClient(AuthenticationV1Api)
      .createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo?.username).toBe('alice');
    expect(review.status?.userInfo?.groups).toEqual(
      expect.arrayContaining(['e2e:users', 'system:authenticated']),
    );
    expect(review.status?.userInfo?.groups).not.toContain('system:masters');
  });

  it('refuses a user without bindings with 403 Forbidden', async () => {
    await expect(aliceCore.listNamespacedConfigMap({ namespace: granted })).rejects.toMatchObject({
      code: 403,
    });
    await expect(aliceCore.listNamespace()).rejects.toMatchObject({ code: 403 });
  });

  it('allows what the Role grants inside its namespace', async () => {
    await givenRole(admin, {
      namespace: granted,
      user: 'alice',
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get', 'list'] }],
    });
    await aliceCore.createNamespacedConfigMap({
      namespace: granted,
      body: { metadata: { name: 'from-alice' }, data: { by: 'alice' } },
    });
    const listed = await aliceCore.listNamespacedConfigMap({ namespace: granted });
    expect(listed.items.map((item) => item.metadata?.name)).toContain('from-alice');
  });

  it('still refuses verbs, namespaces and users the Role does not cover', async () => {
    await expect(
      aliceCore.deleteNamespacedConfigMap({ name: 'from-alice', namespace: granted }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(aliceCore.listNamespacedConfigMap({ namespace: other })).rejects.toMatchObject({
      code: 403,
    });
    await expect(aliceCore.listNamespacedSecret({ namespace: granted })).rejects.toMatchObject({
      code: 403,
    });
    await expect(bobCore.listNamespacedConfigMap({ namespace: granted })).rejects.toMatchObject({
      code: 403,
    });
  });
});
