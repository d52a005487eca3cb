import { describe, expect, it } from 'vitest';
import { fixture, runOnCluster } from '../testing/captured-io.js';
import { fakeCluster, listOf, meta } from '../testing/fake-cluster.js';

const vapp = fixture('canary-v1.yaml');

// What a cluster has: the canary-v1 rules name secrets and configmaps (and no other resource).
const cluster = () =>
  fakeCluster({
    '/api/v1/namespaces': listOf(
      meta('canary-a'),
      meta('team-a'),
      meta('kube-system', undefined, { 'ns-type': 'system' }),
    ),
    '/api/v1/secrets': listOf(
      meta('token', 'team-a', { shard: 'b' }),
      meta('token', 'kube-system'),
    ),
    '/api/v1/configmaps': listOf(meta('settings', 'team-a')),
    '/apis/apps': { preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } },
    '/apis/apps/v1/deployments': listOf(meta('web', 'canary-a')),
  });

describe('ctrlmesh explain --cluster', () => {
  it('explains every namespace of the cluster and every object of the resources the rules name', async () => {
    const fake = cluster();
    const result = await runOnCluster(['explain', '-f', vapp, '--cluster'], fake);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').map((line) => line.split(/\s{2,}/))).toEqual([
      ['TARGET', 'OWNER'],
      ['ns/canary-a', 'v2'],
      ['ns/team-a', '(default)'],
      ['ns/kube-system', 'excluded'],
      ['secrets/team-a/token', 'v2'],
      ['secrets/kube-system/token', 'excluded'],
      ['configmaps/team-a/settings', 'public'],
      [''],
    ]);
    // Names and labels only, and nothing the rules do not name.
    expect(fake.requests).toEqual([
      '/api/v1/namespaces (metadata)',
      '/api/v1/secrets (metadata)',
      '/api/v1/configmaps (metadata)',
    ]);
  });

  it('also reads the resources of the targets named, at their group preferred version', async () => {
    const fake = cluster();
    const result = await runOnCluster(
      ['explain', '-f', vapp, '--cluster', '--no-reasons', 'apps/deployments/canary-a/web'],
      fake,
    );
    expect(result.stdout).toBe(
      'TARGET                         OWNER\napps/deployments/canary-a/web  v2\n',
    );
    expect(fake.requests).toContain('/apis/apps/v1/deployments (metadata)');
  });

  it('takes an object labels from the cluster', async () => {
    const result = await runOnCluster(
      ['explain', '-f', vapp, '--cluster', 'secrets/team-a/token'],
      cluster(),
    );
    expect(result.stdout).toContain('secrets/team-a/token: v2\n');
    expect(result.stdout).toContain('objectSelector "shard=b"');
  });

  it('passes the kubectl flags on to the cluster it opens', async () => {
    const result = await runOnCluster(
      ['explain', '-f', vapp, '--cluster', '--kubeconfig', 'kc.yaml', '--context', 'prod'],
      cluster(),
    );
    expect(result.flags).toEqual([
      { kubeconfig: 'kc.yaml', context: 'prod', namespace: undefined },
    ]);
  });

  it('skips a resource the cluster does not serve, with a warning', async () => {
    const fake = cluster();
    fake.set('/api/v1/secrets', undefined);
    const result = await runOnCluster(['explain', '-f', vapp, '--cluster'], fake);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'warning: the cluster does not serve secrets: no objects of it were read',
    );
  });

  it('refuses --world with --cluster as a usage error', async () => {
    const result = await runOnCluster(
      ['explain', '-f', vapp, '--cluster', '--world', fixture('world.yaml')],
      cluster(),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("option '--cluster' cannot be used with option '--world");
  });

  it('exits 4 when the cluster does not let it list namespaces', async () => {
    const fake = cluster();
    fake.set('/api/v1/namespaces', undefined);
    const result = await runOnCluster(['explain', '-f', vapp, '--cluster'], fake);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe('ctrlmesh: GET /api/v1/namespaces: 404 not found\n');
  });
});
