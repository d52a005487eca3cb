import { CustomObjectsApi } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { canaryVirtualApp } from '../steps/canary-virtual-app.js';
import { givenVirtualAppCrd, virtualApps } from '../steps/virtual-app-crd.js';
import { statusOf } from '../support/api-status.js';
import { adminKubeConfig } from '../support/kube-config.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

const virtualApp = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'VirtualApp',
  metadata: { name },
  spec,
});

const canarySpec = {
  selector: { matchLabels: { app: 'web' } },
  route: {
    subRules: [{ name: 'canary', match: [{ namespaceRegex: '^canary-' }] }],
  },
  subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary'] }],
};

// The original ControllerMesh's (openkruise/controllermesh) README example, written here from a
// description of it, with the group changed from ctrlmesh.kruise.io to ctrlmesh.io: an operator whose v2 pods own the canary namespaces, its own
// webhook served on 9443, and nobody in the system namespaces.
const originalSample = {
  selector: { matchLabels: { component: 'sample-operator' } },
  configuration: {
    controller: { leaderElectionName: 'sample-operator-leader' },
    webhook: { certDir: '/tmp/webhook-certs', port: 9443 },
  },
  route: {
    globalLimits: [
      {
        namespaceSelector: {
          matchExpressions: [{ key: 'ns-type', operator: 'NotIn', values: ['system'] }],
        },
      },
    ],
    subRules: [
      {
        name: 'canary-rule',
        match: [
          { namespaceSelector: { matchLabels: { 'ns-type': 'canary-1' } } },
          { namespaceRegex: '^canary.*' },
        ],
      },
    ],
  },
  subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary-rule'] }],
};

// The rest of the original's VirtualApp API (its v1alpha1 types): object selectors
// limited to resources, resources every subset may read, user agents only the default serves,
// and a User-Agent prefix.
const originalSampleWithEveryField = {
  ...originalSample,
  configuration: {
    ...originalSample.configuration,
    restConfigOverrides: { userAgentOrPrefix: 'sample-operator/' },
  },
  route: {
    globalLimits: [
      ...originalSample.route.globalLimits,
      {
        objectSelector: { matchLabels: { team: 'a' } },
        resources: [{ apiGroups: ['*'], resources: ['*'] }],
      },
    ],
    subRules: [
      ...originalSample.route.subRules,
      {
        name: 'canary-pods',
        match: [
          {
            objectSelector: {
              matchExpressions: [{ key: 'canary', operator: 'In', values: ['true'] }],
            },
            resources: [{ apiGroups: [''], resources: ['pods'] }],
          },
        ],
      },
    ],
    subsetPublicResources: [{ apiGroups: [''], resources: ['configmaps'] }],
    subsetDefaultOnlyUserAgents: ['sample-operator/cache-warmer'],
  },
  subsets: [
    ...originalSample.subsets,
    { name: 'v3', labels: { version: 'v3' }, routeRules: ['canary-pods'] },
  ],
};

describe('The VirtualApp CRD generated from the zod schema', () => {
  const admin = adminKubeConfig();
  const custom = admin.makeApiClient(CustomObjectsApi);
  let namespace: string;

  beforeAll(async () => {
    namespace = await uniqueNamespace('vapp-crd');
    await givenVirtualAppCrd(admin);
  });

  it('serves VirtualApps with the spec kept as written', async () => {
    await custom.createNamespacedCustomObject({
      ...virtualApps,
      namespace,
      body: virtualApp('web', canarySpec),
    });
    const stored = (await custom.getNamespacedCustomObject({
      ...virtualApps,
      namespace,
      name: 'web',
    })) as { spec: unknown };
    expect(stored.spec).toEqual(canarySpec);
  });

  it.each([
    ['the demo', canaryVirtualApp({ name: 'x', namespace: 'x', lock: 'go-sample' }).spec],
    [
      'the demo, widened by a namespace label',
      canaryVirtualApp({
        name: 'x',
        namespace: 'x',
        lock: 'go-sample',
        scope: { 'e2e.ctrlmesh.io/run': 'demo' },
        widenedBy: [{ namespaceSelector: { matchLabels: { team: 'payments' } } }],
      }).spec,
    ],
    ["the original ControllerMesh's sample", originalSample],
    ["the original's sample with every field of its API", originalSampleWithEveryField],
  ])('accepts the VirtualApp of %s, stored as written', async (_, spec) => {
    const name = `sample-${Math.random().toString(16).slice(2, 8)}`;
    await custom.createNamespacedCustomObject({
      ...virtualApps,
      namespace,
      body: virtualApp(name, spec as Record<string, unknown>),
    });
    const stored = (await custom.getNamespacedCustomObject({
      ...virtualApps,
      namespace,
      name,
    })) as { spec: unknown };
    // Nothing pruned: every field the original knew is in the schema.
    expect(stored.spec).toEqual(spec);
  });

  it('refuses a VirtualApp that breaks the schema, with the field named', async () => {
    const { code, status } = await statusOf(
      custom.createNamespacedCustomObject({
        ...virtualApps,
        namespace,
        body: virtualApp('broken', {
          ...canarySpec,
          subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: 'canary' }],
        }),
      }),
    );
    expect(code).toBe(422);
    expect(status.message).toContain('spec.subsets[0].routeRules');
  });

  it('keeps status apart from spec: status.routing is written through the status subresource only', async () => {
    await custom.createNamespacedCustomObject({
      ...virtualApps,
      namespace,
      body: virtualApp('status-demo', canarySpec),
    });
    const routing = {
      currentRevision: 'status-demo-0123456789',
      phase: 'Settled',
      observedGeneration: 1,
    };
    await custom.patchNamespacedCustomObjectStatus({
      ...virtualApps,
      namespace,
      name: 'status-demo',
      body: [{ op: 'add', path: '/status', value: { routing } }],
    });
    const stored = (await custom.getNamespacedCustomObject({
      ...virtualApps,
      namespace,
      name: 'status-demo',
    })) as { status?: { routing?: unknown } };
    expect(stored.status?.routing).toEqual(routing);
  });
});
