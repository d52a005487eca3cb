import { describe, expect, it } from 'vitest';
import { kindToResource } from './kind-to-resource.js';

describe('kindToResource', () => {
  it.each([
    ['ConfigMap', 'configmaps'],
    ['Deployment', 'deployments'],
    ['Ingress', 'ingresses'],
    ['NetworkPolicy', 'networkpolicies'],
    ['Gateway', 'gateways'],
    ['Endpoints', 'endpoints'],
    ['Namespace', 'namespaces'],
    ['ClusterRole', 'clusterroles'],
    ['Mesh', 'meshes'],
    ['Box', 'boxes'],
  ])('gives %s the resource %s, as kubectl guesses it', (kind, resource) => {
    expect(kindToResource(kind)).toBe(resource);
  });
});
