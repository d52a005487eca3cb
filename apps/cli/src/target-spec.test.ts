import { describe, expect, it } from 'vitest';
import { resolveTarget } from './target-spec.js';
import type { World } from './world.js';

const world: World = {
  namespaces: new Map([['team-a', { team: 'a' }]]),
  objects: [
    { group: '', resource: 'configmaps', namespace: 'team-a', name: 'foo', labels: { x: '1' } },
    { group: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'admin', labels: {} },
    { group: 'apps', resource: 'widgets', name: 'w', labels: { cluster: 'yes' } },
  ],
};

const targetOf = (spec: string, userAgent?: string) => {
  const resolved = resolveTarget(spec, world, userAgent);
  if ('error' in resolved) throw new Error(resolved.error);
  return resolved;
};

describe('resolveTarget', () => {
  it('reads ns/NAME as the Namespace, living in itself with its labels', () => {
    expect(targetOf('ns/team-a').target).toEqual({
      group: '',
      resource: 'namespaces',
      namespace: { name: 'team-a', labels: { team: 'a' } },
      objectLabels: { team: 'a' },
      userAgent: undefined,
    });
    expect(targetOf('namespaces/team-a').target).toEqual(targetOf('ns/team-a').target);
  });

  it('reads RESOURCE/NAMESPACE/NAME with the object labels from the world', () => {
    expect(targetOf('configmaps/team-a/foo').target).toMatchObject({
      group: '',
      resource: 'configmaps',
      namespace: { name: 'team-a', labels: { team: 'a' } },
      objectLabels: { x: '1' },
    });
  });

  it('reads GROUP/RESOURCE/NAMESPACE/NAME', () => {
    expect(targetOf('apps/deployments/team-a/web').target).toMatchObject({
      group: 'apps',
      resource: 'deployments',
      namespace: { name: 'team-a' },
      objectLabels: undefined,
    });
  });

  it('reads three segments as a cluster-scoped object when the group has a dot or the world has one', () => {
    expect(targetOf('rbac.authorization.k8s.io/clusterroles/viewer').target).toMatchObject({
      group: 'rbac.authorization.k8s.io',
      resource: 'clusterroles',
      namespace: undefined,
    });
    expect(targetOf('apps/widgets/w').target).toMatchObject({
      group: 'apps',
      resource: 'widgets',
      namespace: undefined,
      objectLabels: { cluster: 'yes' },
    });
  });

  it('reads RESOURCE/NAME as a cluster-scoped core object', () => {
    expect(targetOf('nodes/node-1').target).toMatchObject({
      group: '',
      resource: 'nodes',
      namespace: undefined,
    });
  });

  it('leaves the labels of an object the world does not have unknown', () => {
    expect(targetOf('configmaps/team-a/other').target.objectLabels).toBeUndefined();
  });

  it('takes a missing namespace to have no labels, and warns', () => {
    const resolved = targetOf('configmaps/elsewhere/foo');
    expect(resolved.target.namespace).toEqual({ name: 'elsewhere', labels: {} });
    expect(resolved.warnings).toEqual([
      'namespace "elsewhere" is not in the world: its labels are taken as empty',
    ]);
  });

  it('reads a list request: object labels not known', () => {
    expect(targetOf('GET /api/v1/namespaces/team-a/configmaps').target).toMatchObject({
      group: '',
      resource: 'configmaps',
      namespace: { name: 'team-a', labels: { team: 'a' } },
      objectLabels: undefined,
    });
  });

  it('reads a request for a named object with its labels, and its subresource', () => {
    expect(targetOf('get /api/v1/namespaces/team-a/configmaps/foo').target.objectLabels).toEqual({
      x: '1',
    });
    expect(
      targetOf('PUT /apis/apps/v1/namespaces/team-a/deployments/web/scale').target,
    ).toMatchObject({ group: 'apps', resource: 'deployments', subresource: 'scale' });
  });

  it('reads a request for a Namespace as the Namespace object, and a list of them as unknown', () => {
    expect(targetOf('GET /api/v1/namespaces/team-a').target).toEqual(targetOf('ns/team-a').target);
    expect(targetOf('GET /api/v1/namespaces').target).toMatchObject({
      resource: 'namespaces',
      namespace: undefined,
      objectLabels: undefined,
    });
  });

  it('carries the user agent', () => {
    expect(targetOf('ns/team-a', 'kube-controller-manager').target.userAgent).toBe(
      'kube-controller-manager',
    );
  });

  it('refuses malformed specs and non-resource requests', () => {
    expect(resolveTarget('a/b/c/d/e', world)).toHaveProperty('error');
    expect(resolveTarget('configmaps//foo', world)).toHaveProperty('error');
    expect(resolveTarget('justaword', world)).toHaveProperty('error');
    expect(resolveTarget('GET /healthz', world)).toEqual({
      error: '"GET /healthz" is not a request for a Kubernetes resource',
    });
  });
});
