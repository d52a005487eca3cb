import { describe, expect, it } from 'vitest';
import { ClusterError } from './cluster-error.js';
import { readClusterWorld } from './cluster-world.js';
import { fakeCluster, listOf, meta } from './testing/fake-cluster.js';

const namespaces = listOf(meta('team-a', undefined, { tier: 'web' }));

describe('reading the world from a cluster', () => {
  it('lists each resource across namespaces at its group preferred version, names and labels only', async () => {
    const cluster = fakeCluster({
      '/api/v1/namespaces': namespaces,
      '/apis/batch': { preferredVersion: { version: 'v1' } },
      '/apis/batch/v1/jobs': listOf(meta('nightly', 'team-a', { shard: 'b' })),
      '/api/v1/nodes': listOf(meta('node-1')),
    });
    const { world, warnings } = await readClusterWorld(cluster, [
      { group: 'batch', resource: 'jobs' },
      { group: '', resource: 'nodes' },
    ]);
    expect([...world.namespaces]).toEqual([['team-a', { tier: 'web' }]]);
    expect(world.objects).toEqual([
      {
        group: 'batch',
        resource: 'jobs',
        namespace: 'team-a',
        name: 'nightly',
        labels: { shard: 'b' },
      },
      { group: '', resource: 'nodes', namespace: undefined, name: 'node-1', labels: {} },
    ]);
    expect(warnings).toEqual([]);
    expect(cluster.requests).toEqual([
      '/api/v1/namespaces (metadata)',
      '/apis/batch',
      '/apis/batch/v1/jobs (metadata)',
      '/api/v1/nodes (metadata)',
    ]);
  });

  it('skips a group or a resource the cluster does not serve, saying which', async () => {
    const cluster = fakeCluster({
      '/api/v1/namespaces': namespaces,
      '/apis/apps': { preferredVersion: { version: 'v1' } },
    });
    const { world, warnings } = await readClusterWorld(cluster, [
      { group: 'example.com', resource: 'widgets' },
      { group: 'example.com', resource: 'gadgets' },
      { group: 'apps', resource: 'deploymentz' },
    ]);
    expect(world.objects).toEqual([]);
    expect(warnings).toEqual([
      'the cluster does not serve widgets.example.com: no objects of it were read',
      'the cluster does not serve gadgets.example.com: no objects of it were read',
      'the cluster does not serve deploymentz.apps: no objects of it were read',
    ]);
    // The group is asked about once.
    expect(cluster.requests.filter((path) => path === '/apis/example.com')).toHaveLength(1);
  });

  it('fails rather than answer from part of the world when a list is refused', async () => {
    const cluster = fakeCluster({ '/api/v1/namespaces': namespaces });
    cluster.get = async () => {
      throw new ClusterError('GET /api/v1/namespaces: 403 forbidden', 403);
    };
    await expect(readClusterWorld(cluster, [])).rejects.toThrow('403 forbidden');
  });
});
