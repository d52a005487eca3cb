import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenCustomResourceDefinition } from '../steps/custom-resource-definition.js';
import { givenMutatingWebhook } from '../steps/mutating-webhook.js';
import {
  type AdmissionWebhookServer,
  startAdmissionWebhookServer,
} from '../support/admission-webhook-server.js';
import { eventually } from '../support/eventually.js';
import { adminKubeConfig } from '../support/kube-config.js';
import { uniqueNamespace } from '../support/unique-namespace.js';
import { issueWebhookCertificate } from '../support/webhook-certificate.js';

describe('Extending the real kube-apiserver', () => {
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);

  describe('a CustomResourceDefinition', () => {
    const custom = admin.makeApiClient(CustomObjectsApi);
    const widget = { group: 'e2e.ctrlmesh.io', version: 'v1', plural: 'widgets' };
    let namespace: string;

    beforeAll(async () => {
      namespace = await uniqueNamespace('crd');
    });

    it('is established once applied', async () => {
      await givenCustomResourceDefinition(admin, {
        metadata: { name: 'widgets.e2e.ctrlmesh.io' },
        spec: {
          group: widget.group,
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: {
                      type: 'object',
                      properties: { size: { type: 'integer', minimum: 1 } },
                      required: ['size'],
                    },
                  },
                },
              },
            },
          ],
        },
      });
    });

    it('serves custom resources of the new kind', async () => {
      // Discovery of a new group can lag Established by a moment; creation is what we wait for.
      await eventually(
        () =>
          custom.createNamespacedCustomObject({
            ...widget,
            namespace,
            body: {
              apiVersion: 'e2e.ctrlmesh.io/v1',
              kind: 'Widget',
              metadata: { name: 'w1' },
              spec: { size: 3 },
            },
          }),
        { what: 'the widgets resource to accept a create' },
      );
      const read = (await custom.getNamespacedCustomObject({
        ...widget,
        namespace,
        name: 'w1',
      })) as {
        spec: { size: number };
      };
      expect(read.spec).toEqual({ size: 3 });
      const list = (await custom.listNamespacedCustomObject({ ...widget, namespace })) as {
        items: { metadata: { name: string } }[];
      };
      expect(list.items.map((item) => item.metadata.name)).toEqual(['w1']);
    });

    it('validates custom resources against the schema', async () => {
      await expect(
        custom.createNamespacedCustomObject({
          ...widget,
          namespace,
          body: {
            apiVersion: 'e2e.ctrlmesh.io/v1',
            kind: 'Widget',
            metadata: { name: 'w2' },
            spec: { size: 0 },
          },
        }),
      ).rejects.toMatchObject({ code: 422 });
    });
  });

  describe('a mutating admission webhook registered by URL on loopback', () => {
    const label = { 'e2e.ctrlmesh.io/webhook': 'annotate' };
    let namespace: string;
    let certDir: string;
    let server: AdmissionWebhookServer;
    let unregister: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      namespace = await uniqueNamespace('webhook', label);
      certDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-webhook-'));
      server = await startAdmissionWebhookServer(
        await issueWebhookCertificate(certDir),
        (request) => ({
          allowed: true,
          patch: [
            request.object?.metadata?.annotations
              ? {
                  op: 'add',
                  path: '/metadata/annotations/e2e.ctrlmesh.io~1admitted-by',
                  value: 'test-webhook',
                }
              : {
                  op: 'add',
                  path: '/metadata/annotations',
                  value: { 'e2e.ctrlmesh.io/admitted-by': 'test-webhook' },
                },
          ],
        }),
      );
    });

    afterAll(async () => {
      await unregister?.();
      await server?.close();
      await rm(certDir, { recursive: true, force: true });
    });

    it('is called for a create and its patch is applied', async () => {
      unregister = await givenMutatingWebhook(admin, {
        name: `annotate-${namespace}`,
        url: `${server.url}/mutate`,
        caBundle: server.caBundle,
        rules: [
          {
            apiGroups: [''],
            apiVersions: ['v1'],
            operations: ['CREATE'],
            resources: ['configmaps'],
          },
        ],
        namespaceLabels: label,
      });
      // The apiserver learns about new webhook configurations through an informer; dry runs
      // probe for it without leaving objects behind.
      await eventually(
        async () => {
          const probe = await core.createNamespacedConfigMap({
            namespace,
            dryRun: 'All',
            body: { metadata: { name: 'probe' } },
          });
          expect(probe.metadata?.annotations?.['e2e.ctrlmesh.io/admitted-by']).toBe('test-webhook');
        },
        { what: 'the mutating webhook to be called on a dry-run create' },
      );

      await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: 'admitted', annotations: { keep: 'me' } }, data: { a: 'b' } },
      });
      const stored = await core.readNamespacedConfigMap({ name: 'admitted', namespace });
      expect(stored.metadata?.annotations).toEqual({
        keep: 'me',
        'e2e.ctrlmesh.io/admitted-by': 'test-webhook',
      });

      const request = server.requests.find((r) => r.name === 'admitted' && !r.dryRun);
      expect(request).toMatchObject({
        operation: 'CREATE',
        namespace,
        kind: { kind: 'ConfigMap' },
      });
      expect(request?.userInfo.username).toBe('admin');
    });

    it('is not called outside the namespaces it selects', async () => {
      const outside = await uniqueNamespace('webhook-outside');
      const before = server.requests.length;
      const created = await core.createNamespacedConfigMap({
        namespace: outside,
        body: { metadata: { name: 'untouched' } },
      });
      expect(created.metadata?.annotations).toBeUndefined();
      expect(server.requests.length).toBe(before);
    });
  });
});
