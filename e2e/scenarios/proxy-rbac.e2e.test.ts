import { randomBytes } from 'node:crypto';
import {
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  type KubeConfig,
  RbacAuthorizationV1Api,
  type V1NonResourceAttributes,
  type V1ResourceAttributes,
} from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { adminKubeConfig, serviceAccountKubeConfig } from '../support/kube-config.js';
import { documentedProxyRbac, documentedProxyRoutesRbac } from '../support/proxy-rbac.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

// What the proxy does with its own token (packages/proxy-runtime/src/namespaces and discovery):
// list, watch and get namespaces; GET /api/<version> and /apis/<group>/<version>.
describe("The RBAC documented for the proxy's own token (proxy-runtime README)", () => {
  const admin = adminKubeConfig();
  const { clusterRole, clusterRoleBinding } = documentedProxyRbac();
  const subject = clusterRoleBinding.subjects?.[0];
  let proxy: KubeConfig;

  const allowed = async (
    attributes:
      | { resourceAttributes: V1ResourceAttributes }
      | { nonResourceAttributes: V1NonResourceAttributes },
  ): Promise<boolean> => {
    const review = await proxy
      .makeApiClient(AuthorizationV1Api)
      .createSelfSubjectAccessReview({ body: { spec: attributes } });
    return review.status?.allowed ?? false;
  };

  beforeAll(async () => {
    expect(subject?.kind).toBe('ServiceAccount');
    // The README's documents as they stand, with names made unique to this run and the service
    // account in a namespace of its own.
    const suffix = randomBytes(3).toString('hex');
    const name = `${clusterRole.metadata?.name}-${suffix}`;
    const namespace = await uniqueNamespace('proxy-rbac');
    const serviceAccount = subject?.name ?? '';
    const core = admin.makeApiClient(CoreV1Api);
    await core.createNamespacedServiceAccount({
      namespace,
      body: { metadata: { name: serviceAccount } },
    });
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createClusterRole({ body: { ...clusterRole, metadata: { name } } });
    await rbac.createClusterRoleBinding({
      body: {
        ...clusterRoleBinding,
        metadata: { name },
        roleRef: { ...clusterRoleBinding.roleRef, name },
        subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
      },
    });
    proxy = await serviceAccountKubeConfig(admin, namespace, serviceAccount, 600);
    // RBAC reads roles through informers: a fresh binding takes a moment to apply.
    await eventually(
      async () => {
        if (!(await allowed({ resourceAttributes: { resource: 'namespaces', verb: 'list' } }))) {
          throw new Error('listing namespaces is not allowed yet');
        }
      },
      { what: `ClusterRoleBinding ${name} to apply to ${namespace}/${serviceAccount}` },
    );
  });

  it('lets the token list, get and watch namespaces', async () => {
    const core = proxy.makeApiClient(CoreV1Api);
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((item) => item.metadata?.name)).toContain('default');
    expect((await core.readNamespace({ name: 'default' })).metadata?.name).toBe('default');
    expect(await allowed({ resourceAttributes: { resource: 'namespaces', verb: 'watch' } })).toBe(
      true,
    );
  });

  it('lets the token read discovery', async () => {
    const core = await proxy.makeApiClient(CoreV1Api).getAPIResources();
    expect(core.resources.find((r) => r.name === 'namespaces')?.namespaced).toBe(false);
    const apps = await proxy.makeApiClient(AppsV1Api).getAPIResources();
    expect(apps.resources.find((r) => r.name === 'deployments')?.namespaced).toBe(true);
    for (const path of ['/api/v1', '/apis/apps/v1']) {
      expect(await allowed({ nonResourceAttributes: { path, verb: 'get' } })).toBe(true);
    }
  });

  it('gives the token nothing else', async () => {
    await expect(proxy.makeApiClient(CoreV1Api).listPodForAllNamespaces()).rejects.toMatchObject({
      code: 403,
    });
    for (const verb of ['create', 'update', 'patch', 'delete']) {
      expect(await allowed({ resourceAttributes: { resource: 'namespaces', verb } })).toBe(false);
    }
    expect(await allowed({ resourceAttributes: { resource: 'configmaps', verb: 'list' } })).toBe(
      false,
    );
  });
});

// What cluster mode does with the same token in the pod's namespace (packages/proxy-runtime/src/
// cluster): list, watch and get its VirtualApp, ControllerRevisions and pods; patch pods/status.
describe("The Role documented for the proxy's own token in cluster mode (proxy-runtime README)", () => {
  const admin = adminKubeConfig();
  const { role, roleBinding } = documentedProxyRoutesRbac();
  const subject = roleBinding.subjects?.[0];
  let proxy: KubeConfig;
  let namespace: string;

  const allowed = async (attributes: V1ResourceAttributes): Promise<boolean> => {
    const review = await proxy
      .makeApiClient(AuthorizationV1Api)
      .createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: attributes } } });
    return review.status?.allowed ?? false;
  };

  beforeAll(async () => {
    expect(subject?.kind).toBe('ServiceAccount');
    namespace = await uniqueNamespace('proxy-routes-rbac');
    const serviceAccount = subject?.name ?? '';
    const name = role.metadata?.name ?? '';
    const core = admin.makeApiClient(CoreV1Api);
    await core.createNamespacedServiceAccount({
      namespace,
      body: { metadata: { name: serviceAccount } },
    });
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace,
      body: { ...role, metadata: { name, namespace } },
    });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        ...roleBinding,
        metadata: { name, namespace },
        subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
      },
    });
    proxy = await serviceAccountKubeConfig(admin, namespace, serviceAccount, 600);
    await eventually(
      async () => {
        if (!(await allowed({ namespace, resource: 'pods', verb: 'list' })))
          throw new Error('listing pods is not allowed yet');
      },
      { what: `RoleBinding ${name} to apply to ${namespace}/${serviceAccount}` },
    );
  });

  it('lets the token read its VirtualApps, ControllerRevisions, pods and traffic policies, and patch pods/status', async () => {
    const reads = [
      { group: 'ctrlmesh.io', resource: 'virtualapps' },
      { group: 'apps', resource: 'controllerrevisions' },
      { group: '', resource: 'pods' },
      { group: 'ctrlmesh.io', resource: 'trafficpolicies' },
      { group: 'ctrlmesh.io', resource: 'faultinjections' },
    ];
    for (const { group, resource } of reads) {
      for (const verb of ['get', 'list', 'watch']) {
        expect(await allowed({ namespace, group, resource, verb }), `${verb} ${resource}`).toBe(
          true,
        );
      }
    }
    expect(
      await allowed({ namespace, resource: 'pods', subresource: 'status', verb: 'patch' }),
    ).toBe(true);
    const pods = await proxy.makeApiClient(CoreV1Api).listNamespacedPod({ namespace });
    expect(pods.items).toEqual([]);
  });

  it('gives the token nothing else: no writes of specs or revisions, nothing in other namespaces', async () => {
    const denied: V1ResourceAttributes[] = [
      { namespace, resource: 'pods', verb: 'patch' },
      { namespace, resource: 'pods', verb: 'delete' },
      { namespace, resource: 'pods', subresource: 'status', verb: 'update' },
      { namespace, group: 'apps', resource: 'controllerrevisions', verb: 'create' },
      { namespace, group: 'ctrlmesh.io', resource: 'virtualapps', verb: 'patch' },
      {
        namespace,
        group: 'ctrlmesh.io',
        resource: 'virtualapps',
        subresource: 'status',
        verb: 'patch',
      },
      { namespace, resource: 'secrets', verb: 'list' },
      { namespace: 'default', resource: 'pods', verb: 'list' },
    ];
    for (const attributes of denied) {
      expect(await allowed(attributes), JSON.stringify(attributes)).toBe(false);
    }
  });
});
