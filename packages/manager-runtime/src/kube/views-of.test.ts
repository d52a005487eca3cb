import { describe, expect, it } from 'vitest';
import { controllerRevisionFor, podViewOf, revisionViewOf, virtualAppViewOf } from './views-of.js';

describe('podViewOf', () => {
  it('reads labels, Ready, deletion and the RoutesApplied report, from Dates or text', () => {
    const view = podViewOf({
      metadata: {
        name: 'web-v2-0',
        labels: { app: 'web' },
        creationTimestamp: new Date('2026-01-01T00:00:00Z'),
        deletionTimestamp: new Date('2026-01-01T00:01:00Z'),
      },
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            lastTransitionTime: '2026-01-01T00:00:05Z' as unknown as Date,
          },
          {
            type: 'ctrlmesh.io/RoutesApplied',
            status: 'True',
            reason: 'Revoking',
            message: 'web-1a2b3c4d5e',
          },
        ],
      },
    });
    expect(view).toEqual({
      name: 'web-v2-0',
      labels: { app: 'web' },
      createdAt: Date.parse('2026-01-01T00:00:00Z'),
      deleting: true,
      ready: {
        status: 'True',
        reason: undefined,
        message: undefined,
        since: Date.parse('2026-01-01T00:00:05Z'),
      },
      routesApplied: {
        status: 'True',
        reason: 'Revoking',
        message: 'web-1a2b3c4d5e',
        since: undefined,
      },
    });
  });

  it('leaves out conditions the pod does not have', () => {
    const view = podViewOf({ metadata: { name: 'p' } });
    expect(view.ready).toBeUndefined();
    expect(view.routesApplied).toBeUndefined();
    expect(view.deleting).toBe(false);
  });
});

describe('controllerRevisionFor', () => {
  it('labels the revision, makes the VirtualApp its controller and holds the spec', () => {
    const app = virtualAppViewOf({
      apiVersion: 'ctrlmesh.io/v1alpha1',
      metadata: { name: 'web', namespace: 'ops', uid: 'u1', generation: 2 },
      spec: { selector: {} },
    });
    const body = controllerRevisionFor(app, {
      name: 'web-0123456789',
      revision: 3,
      spec: { selector: {} },
    });
    expect(body).toEqual({
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: 'web-0123456789',
        namespace: 'ops',
        labels: { 'ctrlmesh.io/virtual-app': 'web' },
        ownerReferences: [
          {
            apiVersion: 'ctrlmesh.io/v1alpha1',
            kind: 'VirtualApp',
            name: 'web',
            uid: 'u1',
            controller: true,
          },
        ],
      },
      data: { spec: { selector: {} } },
      revision: 3,
    });
    expect(revisionViewOf(body)).toEqual({
      name: 'web-0123456789',
      revision: 3,
      spec: { selector: {} },
    });
  });
});
