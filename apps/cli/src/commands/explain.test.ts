import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fixture, run } from '../testing/captured-io.js';

const vapp = fixture('canary-v1.yaml');
const world = fixture('world.yaml');

/** `ctrlmesh explain -f canary-v1.yaml --world world.yaml ARGS...`. */
const explainInWorld = (args: string[]) => run(['explain', '-f', vapp, '--world', world, ...args]);

describe('ctrlmesh explain', () => {
  it('prints the owner of every namespace and object of the world as a table', async () => {
    const result = await explainInWorld([]);
    expect(result.code).toBe(0);
    const rows = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => line.split(/\s{2,}/));
    expect(rows).toEqual([
      ['TARGET', 'OWNER'],
      ['ns/canary-a', 'v2'],
      ['ns/beta-1', '(default)'],
      ['ns/team-a', '(default)'],
      ['ns/kube-system', 'excluded'],
      ['configmaps/team-a/settings', 'public'],
      ['secrets/team-a/token', 'v2'],
      ['secrets/beta-1/token', '(default)'],
      ['apps/deployments/canary-a/web', 'v2'],
      ['apps/deployments/beta-1/web', '(default)'],
      ['apps/deployments/kube-system/dns', 'excluded'],
      ['nodes/node-1', '(default)'],
      ['rbac.authorization.k8s.io/clusterroles/admin', '(default)'],
    ]);
  });

  it('gives the chain of reasons for each target named', async () => {
    const result = await explainInWorld(['secrets/team-a/token']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'secrets/team-a/token: v2',
        '  target: core/secrets in namespace "team-a"',
        '  global limit spec.route.globalLimits[0] (namespaceSelector "ns-type notin (system)") matches',
        '  subset "v2" owns it: sub-rule "shard-b-secrets" entry spec.route.subRules[1].match[0] (objectSelector "shard=b", resources "":secrets) matches (first matching subset in spec order)',
        '',
      ].join('\n'),
    );
  });

  it('explains a request, whose object labels are not known yet', async () => {
    const result = await explainInWorld(['--no-reasons', 'GET /api/v1/namespaces/team-a/secrets']);
    expect(result.stdout).toContain('depends on the object: v2 | (default)');
  });

  it('reads a cluster-scoped object of a named group and the Namespace object', async () => {
    const result = await explainInWorld([
      '-o',
      'json',
      'rbac.authorization.k8s.io/clusterroles/admin',
      'ns/kube-system',
    ]);
    const [role, namespace] = JSON.parse(result.stdout);
    expect(role.owner).toBe('(default)');
    expect(role.reasons[0]).toBe('target: rbac.authorization.k8s.io/clusterroles in cluster scope');
    expect(namespace.ownership).toEqual({ kind: 'excluded' });
  });

  it('serves default-only user agents from the default subset', async () => {
    const result = await explainInWorld([
      '--user-agent',
      'kube-controller-manager',
      '-o',
      'json',
      'apps/deployments/canary-a/web',
    ]);
    expect(JSON.parse(result.stdout)[0].owner).toBe('(default)');
  });

  it('prints YAML for scripts', async () => {
    const result = await explainInWorld(['-o', 'yaml', 'ns/canary-a']);
    expect(parse(result.stdout)[0]).toMatchObject({
      target: 'ns/canary-a',
      owner: 'v2',
      ownership: { kind: 'owned', subset: 'v2' },
      warnings: [],
    });
  });

  it('warns on stderr when a namespace is not in the world', async () => {
    const result = await run(['explain', '-f', vapp, 'configmaps/elsewhere/x']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'warning: namespace "elsewhere" is not in the world: its labels are taken as empty',
    );
  });

  it('refuses a malformed target as a usage error', async () => {
    const result = await run(['explain', '-f', vapp, 'a/b/c/d/e']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"a/b/c/d/e" is not a target');
  });

  it('refuses to run with neither targets nor a world', async () => {
    const result = await run(['explain', '-f', vapp]);
    expect(result.code).toBe(2);
  });

  it('exits 3 when the VirtualApp does not validate, listing its problems', async () => {
    const result = await run(['explain', '-f', fixture('invalid.yaml'), 'ns/a']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('is not a valid VirtualApp');
    expect(result.stderr).toContain('unknown sub-rule "canary"');
  });

  it('exits 3 when the world file is not a list of objects', async () => {
    const result = await run(['explain', '-f', vapp, '--world', fixture('canary.cases.yaml')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('is not a world file');
  });

  it('notes an original VirtualApp on stderr and still explains', async () => {
    const result = await run(['explain', '-f', fixture('original.yaml'), 'ns/canary-x']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('note: ');
    expect(result.stdout).toContain('ns/canary-x: v2');
  });
});
