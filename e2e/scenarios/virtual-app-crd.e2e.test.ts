import { CustomObjectsApi } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
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
