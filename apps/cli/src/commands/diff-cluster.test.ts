import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fixture, runOnCluster } from '../testing/captured-io.js';
import { fakeCluster, listOf, meta } from '../testing/fake-cluster.js';

const v1 = fixture('canary-v1.yaml');
const v2 = fixture('canary-v2.yaml');
const specOf = (file: string): unknown => parse(readFileSync(file, 'utf8')).spec;

const vappPath = '/apis/ctrlmesh.io/v1alpha1/namespaces/operators/virtualapps/sample';
const revisionPath = '/apis/apps/v1/namespaces/operators/controllerrevisions/sample-1111111111';

/**
 * A cluster running canary-v1 as its published revision, with v2's spec applied on top; `null`
 * routing: nothing published yet.
 */
const cluster = (routing: unknown = { currentRevision: 'sample-1111111111', phase: 'Settled' }) =>
  fakeCluster({
    '/api/v1/namespaces': listOf(meta('canary-a'), meta('beta-1'), meta('team-a')),
    '/api/v1/secrets': listOf(meta('token', 'beta-1')),
    '/api/v1/configmaps': listOf(),
    [vappPath]: {
      apiVersion: 'ctrlmesh.io/v1alpha1',
      kind: 'VirtualApp',
      metadata: { name: 'sample', namespace: 'operators' },
      spec: specOf(v2),
      ...(routing === null ? {} : { status: { routing } }),
    },
    [revisionPath]: { data: { spec: specOf(v1) } },
  });

describe('ctrlmesh diff --cluster', () => {
  it('compares with the spec of the revision the cluster publishes, on the cluster objects', async () => {
    const result = await runOnCluster(['diff', '-f', v2, '--cluster'], cluster());
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'comparing with VirtualApp operators/sample as the cluster runs it: revision sample-1111111111 (Settled)\n',
    );
    expect(result.stdout).toBe(
      [
        'TARGET                FROM       TO',
        'ns/beta-1             (default)  v2',
        'secrets/beta-1/token  (default)  v2',
        '',
        'v2: +1 namespace, +1 object',
        '(default): -1 namespace, -1 object',
        '',
      ].join('\n'),
    );
  });

  it('compares with the VirtualApp spec when no revision is published yet', async () => {
    const result = await runOnCluster(['diff', '-f', v2, '--cluster'], cluster(null));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('its spec (no revision published yet)');
    expect(result.stdout).toBe(
      'no namespace or object changes owner (3 namespaces, 1 objects compared)\n',
    );
  });

  it('falls back to the spec, and says so, when the published revision is gone', async () => {
    const fake = cluster();
    fake.set(revisionPath, undefined);
    const result = await runOnCluster(['diff', '-f', v2, '--cluster'], fake);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'its spec (revision sample-1111111111 of status.routing is gone)',
    );
  });

  it('compares a file with another on the cluster objects with --from', async () => {
    const fake = cluster();
    const result = await runOnCluster(['diff', '-f', v2, '--from', v1, '--cluster'], fake);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('secrets/beta-1/token  (default)  v2');
    expect(fake.requests).not.toContain(vappPath);
  });

  it('exits 4 when the cluster has no VirtualApp of NEW name to compare with', async () => {
    const fake = cluster();
    fake.set(vappPath, undefined);
    const result = await runOnCluster(['diff', '-f', v2, '--cluster'], fake);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      'ctrlmesh: the cluster has no VirtualApp "sample" in namespace "operators" to compare with; pass --from OLD\n',
    );
  });

  it('refuses a -n that contradicts NEW own namespace', async () => {
    const result = await runOnCluster(['diff', '-f', v2, '--cluster', '-n', 'other'], cluster());
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('is in namespace "operators", not "other" as -n says');
  });

  it('asks for a world and for something to compare with, as usage errors', async () => {
    const noWorld = await runOnCluster(['diff', '-f', v2, '--from', v1], cluster());
    expect(noWorld.code).toBe(2);
    expect(noWorld.stderr).toContain('give --world FILE or --cluster');
    const noFrom = await runOnCluster(
      ['diff', '-f', v2, '--world', fixture('world.yaml')],
      cluster(),
    );
    expect(noFrom.code).toBe(2);
    expect(noFrom.stderr).toContain('give --from OLD, or --cluster');
  });
});
