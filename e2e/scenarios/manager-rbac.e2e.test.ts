import { randomBytes } from 'node:crypto';
import {
  AppsV1Api,
  AuthorizationV1Api,
  CoordinationV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type V1ServiceAccount,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenVirtualAppCrd, virtualApps } from '../steps/virtual-app-crd.js';
import { statusOf } from '../support/api-status.js';
import {
  applyManifests,
  deleteManifests,
  type Manifest,
  manifestOf,
  placeManifests,
  readDeployManifests,
} from '../support/deploy-manifests.js';
import { eventually } from '../support/eventually.js';
import { adminKubeConfig, serviceAccountKubeConfig } from '../support/kube-config.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

/** One SelfSubjectAccessReview question: `verb` on `group`/`resource`[/`subresource`]. */
type Access = readonly [verb: string, group: string, resource: string, subresource?: string];

// What the manager does (decision 0005, "What the manager writes"), verb by verb.
const needed: readonly Access[] = [
  ['get', 'ctrlmesh.io', 'virtualapps'],
  ['list', 'ctrlmesh.io', 'virtualapps'],
  ['watch', 'ctrlmesh.io', 'virtualapps'],
  ['update', 'ctrlmesh.io', 'virtualapps', 'status'],
  ['patch', 'ctrlmesh.io', 'virtualapps', 'status'],
  ['get', 'apps', 'controllerrevisions'],
  ['list', 'apps', 'controllerrevisions'],
  ['watch', 'apps', 'controllerrevisions'],
  ['create', 'apps', 'controllerrevisions'],
  ['delete', 'apps', 'controllerrevisions'],
  ['get', '', 'pods'],
  ['list', '', 'pods'],
  ['watch', '', 'pods'],
  ['create', '', 'events'],
  ['create', 'events.k8s.io', 'events'],
  // Decision 0006: the traffic policies, and their status from the pods' reports.
  ...(['trafficpolicies', 'faultinjections'] as const).flatMap((resource): Access[] => [
    ['get', 'ctrlmesh.io', resource],
    ['list', 'ctrlmesh.io', resource],
    ['watch', 'ctrlmesh.io', resource],
    ['update', 'ctrlmesh.io', resource, 'status'],
    ['patch', 'ctrlmesh.io', resource, 'status'],
  ]),
];

// A few neighbours of what it needs, and representative other resources: none may be allowed.
const refused: readonly Access[] = [
  ['create', 'ctrlmesh.io', 'virtualapps'],
  ['update', 'ctrlmesh.io', 'virtualapps'],
  ['patch', 'ctrlmesh.io', 'virtualapps'],
  ['delete', 'ctrlmesh.io', 'virtualapps'],
  ['update', 'ctrlmesh.io', 'trafficpolicies'],
  ['patch', 'ctrlmesh.io', 'faultinjections'],
  ['delete', 'ctrlmesh.io', 'trafficpolicies'],
  ['update', 'apps', 'controllerrevisions'],
  ['patch', 'apps', 'controllerrevisions'],
  ['create', '', 'pods'],
  ['patch', '', 'pods'],
  ['delete', '', 'pods'],
  ['patch', '', 'pods', 'status'],
  ['create', '', 'pods', 'eviction'],
  ['patch', '', 'events'],
  ['get', '', 'secrets'],
  ['list', '', 'configmaps'],
  ['create', '', 'serviceaccounts', 'token'],
  ['list', 'apps', 'deployments'],
  ['create', 'rbac.authorization.k8s.io', 'rolebindings'],
  ['update', 'admissionregistration.k8s.io', 'validatingadmissionpolicies'],
  ['get', 'coordination.k8s.io', 'leases'],
];

describe("The manager's RBAC from deploy/rbac allows what the manager does and no more", () => {
  const admin = adminKubeConfig();
  let manifests: Manifest[];
  /** The manager's namespace (`ctrlmesh-system` in the YAML). */
  let system: string;
  /** A namespace with VirtualApps in it, as users have. */
  let apps: string;
  let leaseName: string;
  let manager: KubeConfig;

  const allowed = async (
    [verb, group, resource, subresource]: Access,
    namespace: string,
    name?: string,
  ): Promise<boolean> => {
    const review = await manager.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
      body: {
        spec: { resourceAttributes: { namespace, verb, group, resource, subresource, name } },
      },
    });
    return review.status?.allowed ?? false;
  };
  const describeAccess = ([verb, group, resource, subresource]: Access, where: string) =>
    `${verb} ${resource}${subresource ? `/${subresource}` : ''}${group ? `.${group}` : ''} ${where}`;

  beforeAll(async () => {
    await givenVirtualAppCrd(admin);
    system = await uniqueNamespace('ctrlmesh-system');
    apps = await uniqueNamespace('manager-apps');
    manifests = placeManifests(await readDeployManifests('rbac/manager.yaml'), {
      namespaces: { 'ctrlmesh-system': system },
      suffix: randomBytes(3).toString('hex'),
    });
    await applyManifests(admin, manifests);
    leaseName =
      manifestOf<Manifest & { rules: { resourceNames?: string[] }[] }>(
        manifests,
        'Role',
      ).rules.find((rule) => rule.resourceNames)?.resourceNames?.[0] ?? '';
    const serviceAccount = manifestOf<V1ServiceAccount>(manifests, 'ServiceAccount');
    manager = await serviceAccountKubeConfig(
      admin,
      system,
      serviceAccount.metadata?.name ?? '',
      600,
    );
    // RBAC reads roles through informers: a fresh binding takes a moment to apply.
    await eventually(
      async () => {
        expect(await allowed(['watch', 'ctrlmesh.io', 'virtualapps'], '')).toBe(true);
        expect(await allowed(['create', 'coordination.k8s.io', 'leases'], system)).toBe(true);
      },
      { what: "the manager's bindings to apply" },
    );
  });

  afterAll(async () => {
    if (manifests) await deleteManifests(admin, manifests);
  });

  it('allows every verb the manager uses, in every namespace', async () => {
    for (const access of needed) {
      expect(await allowed(access, apps), describeAccess(access, `in ${apps}`)).toBe(true);
      expect(await allowed(access, ''), describeAccess(access, 'across namespaces')).toBe(true);
    }
  });

  it('refuses the neighbouring verbs and other resources', async () => {
    for (const access of refused) {
      expect(await allowed(access, apps), describeAccess(access, `in ${apps}`)).toBe(false);
      expect(await allowed(access, system), describeAccess(access, `in ${system}`)).toBe(false);
    }
  });

  it('lets the manager hold its own Lease, in its own namespace only', async () => {
    const leases = manager.makeApiClient(CoordinationV1Api);
    await leases.createNamespacedLease({
      namespace: system,
      body: {
        metadata: { name: leaseName },
        // No times: client-node writes a Date with milliseconds, and a Lease's MicroTime wants six digits.
        spec: { holderIdentity: 'manager-0', leaseDurationSeconds: 15 },
      },
    });
    const lease = await leases.readNamespacedLease({ name: leaseName, namespace: system });
    lease.spec = { ...lease.spec, holderIdentity: 'manager-1' };
    const renewed = await leases.replaceNamespacedLease({
      name: leaseName,
      namespace: system,
      body: lease,
    });
    expect(renewed.spec?.holderIdentity).toBe('manager-1');

    expect(await allowed(['get', 'coordination.k8s.io', 'leases'], system, 'someone-else')).toBe(
      false,
    );
    expect(await allowed(['update', 'coordination.k8s.io', 'leases'], system, 'someone-else')).toBe(
      false,
    );
    expect(await allowed(['delete', 'coordination.k8s.io', 'leases'], system, leaseName)).toBe(
      false,
    );
    expect(await allowed(['create', 'coordination.k8s.io', 'leases'], apps)).toBe(false);
  });

  it('lets the manager keep its webhook Secret, by name, in its own namespace only', async () => {
    const secret = (verb: string, namespace: string, name?: string) =>
      allowed([verb, '', 'secrets'], namespace, name);
    for (const verb of ['get', 'list', 'watch', 'update']) {
      expect(await secret(verb, system, 'ctrlmesh-webhook-certs'), verb).toBe(true);
      expect(await secret(verb, system, 'someone-else'), `${verb} another Secret`).toBe(false);
      expect(await secret(verb, apps, 'ctrlmesh-webhook-certs'), `${verb} in ${apps}`).toBe(false);
    }
    expect(await secret('list', system)).toBe(false);
    expect(await secret('create', system)).toBe(true);
    expect(await secret('create', apps)).toBe(false);
    expect(await secret('delete', system, 'ctrlmesh-webhook-certs')).toBe(false);
  });

  it('writes the caBundle of its own webhook configurations and of no other', async () => {
    for (const resource of ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations']) {
      const access = (verb: string, name?: string) =>
        allowed([verb, 'admissionregistration.k8s.io', resource], '', name);
      expect(await access('get', 'ctrlmesh'), `get ${resource}`).toBe(true);
      expect(await access('update', 'ctrlmesh'), `update ${resource}`).toBe(true);
      expect(await access('update', 'someone-else'), `update another ${resource}`).toBe(false);
      expect(await access('delete', 'ctrlmesh'), `delete ${resource}`).toBe(false);
      expect(await access('create'), `create ${resource}`).toBe(false);
      expect(await access('list'), `list ${resource}`).toBe(false);
    }
  });

  it("writes a VirtualApp's status and revisions, but never its spec", async () => {
    const custom = admin.makeApiClient(CustomObjectsApi);
    const created = (await custom.createNamespacedCustomObject({
      ...virtualApps,
      namespace: apps,
      body: {
        apiVersion: 'ctrlmesh.io/v1alpha1',
        kind: 'VirtualApp',
        metadata: { name: 'web' },
        spec: { selector: { matchLabels: { app: 'web' } } },
      },
    })) as { metadata: { uid: string } };
    const asManager = manager.makeApiClient(CustomObjectsApi);
    const routing = { currentRevision: 'web-0123456789', phase: 'Settled', observedGeneration: 1 };
    await asManager.patchNamespacedCustomObjectStatus({
      ...virtualApps,
      namespace: apps,
      name: 'web',
      body: [{ op: 'add', path: '/status', value: { routing } }],
    });
    const spec = await statusOf(
      asManager.patchNamespacedCustomObject({
        ...virtualApps,
        namespace: apps,
        name: 'web',
        body: [{ op: 'add', path: '/spec/selector/matchLabels/app', value: 'other' }],
      }),
    );
    expect(spec.code).toBe(403);

    const revisions = manager.makeApiClient(AppsV1Api);
    await revisions.createNamespacedControllerRevision({
      namespace: apps,
      body: {
        metadata: {
          name: routing.currentRevision,
          labels: { 'ctrlmesh.io/virtual-app': 'web' },
          ownerReferences: [
            {
              apiVersion: 'ctrlmesh.io/v1alpha1',
              kind: 'VirtualApp',
              name: 'web',
              uid: created.metadata.uid,
              controller: true,
            },
          ],
        },
        data: { spec: { selector: { matchLabels: { app: 'web' } } } },
        revision: 1,
      },
    });
    const listed = await revisions.listNamespacedControllerRevision({
      namespace: apps,
      labelSelector: 'ctrlmesh.io/virtual-app=web',
    });
    expect(listed.items.map((item) => item.metadata?.name)).toEqual([routing.currentRevision]);
    await revisions.deleteNamespacedControllerRevision({
      name: routing.currentRevision,
      namespace: apps,
    });
  });
});
