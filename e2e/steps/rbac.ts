import {
  AuthorizationV1Api,
  type KubeConfig,
  RbacAuthorizationV1Api,
  type V1PolicyRule,
} from '@kubernetes/client-node';
import { eventually } from '../support/eventually.js';

/** A namespaced grant: a Role with `rules`, bound to `user`. */
export interface RoleGrant {
  namespace: string;
  user: string;
  rules: V1PolicyRule[];
  name?: string;
}

/**
 * Creates the Role and RoleBinding as `admin`, then waits until a SubjectAccessReview for the
 * first rule's first verb and resource allows the user: RBAC reads roles through informers, so a
 * fresh grant takes a moment to apply.
 */
export async function givenRole(admin: KubeConfig, grant: RoleGrant): Promise<void> {
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  const name = grant.name ?? `e2e-${grant.user}`;
  await rbac.createNamespacedRole({
    namespace: grant.namespace,
    body: { metadata: { name }, rules: grant.rules },
  });
  await rbac.createNamespacedRoleBinding({
    namespace: grant.namespace,
    body: {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: grant.user }],
    },
  });
  const rule = grant.rules[0];
  if (!rule) return;
  const authorization = admin.makeApiClient(AuthorizationV1Api);
  await eventually(
    async () => {
      const review = await authorization.createSubjectAccessReview({
        body: {
          spec: {
            user: grant.user,
            resourceAttributes: {
              namespace: grant.namespace,
              group: rule.apiGroups?.[0] ?? '',
              resource: rule.resources?.[0],
              verb: rule.verbs[0],
            },
          },
        },
      });
      if (!review.status?.allowed)
        throw new Error(`not allowed yet: ${review.status?.reason ?? ''}`);
    },
    { what: `Role ${grant.namespace}/${name} to apply to ${grant.user}` },
  );
}
