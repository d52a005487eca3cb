import { describe, expect, it } from 'vitest';
import { fixture, run } from '../testing/captured-io.js';

const v1 = fixture('canary-v1.yaml');
const v2 = fixture('canary-v2.yaml');
const world = fixture('world.yaml');

describe('ctrlmesh diff', () => {
  it('lists what changes owner, with a summary line per subset, and exits 1', async () => {
    const result = await run(['diff', '-f', v2, '--from', v1, '--world', world]);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').map((line) => line.split(/\s{2,}/))).toEqual([
      ['TARGET', 'FROM', 'TO'],
      ['ns/beta-1', '(default)', 'v2'],
      ['secrets/beta-1/token', '(default)', 'v2'],
      ['apps/deployments/beta-1/web', '(default)', 'v2'],
      [''],
      ['v2: +1 namespace, +2 objects'],
      ['(default): -1 namespace, -2 objects'],
      [''],
    ]);
  });

  it('exits 0 when nothing changes owner', async () => {
    const result = await run(['diff', '-f', v1, '--from', v1, '--world', world]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'no namespace or object changes owner (4 namespaces, 8 objects compared)\n',
    );
  });

  it('shows what becomes public or excluded', async () => {
    // original.yaml fences nothing and has no public resources; canary-v1 has both.
    const result = await run([
      'diff',
      '-f',
      v1,
      '--from',
      fixture('original.yaml'),
      '--world',
      world,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('ns/kube-system                    (default)  excluded');
    expect(result.stdout).toContain('configmaps/team-a/settings        (default)  public');
    expect(result.stdout).toContain('excluded: +1 namespace, +1 object');
    expect(result.stdout).toContain('public: +1 object');
  });

  it('prints the changes and the tally as JSON', async () => {
    const result = await run(['diff', '-f', v2, '--from', v1, '--world', world, '-o', 'json']);
    expect(result.code).toBe(1);
    const diff = JSON.parse(result.stdout);
    expect(diff.changed).toBe(true);
    expect(diff.compared).toEqual({ namespaces: 4, objects: 8 });
    expect(diff.changes[0]).toEqual({
      target: 'ns/beta-1',
      kind: 'namespace',
      from: '(default)',
      to: 'v2',
    });
    expect(diff.summary).toEqual([
      { owner: 'v2', namespaces: { gained: 1, lost: 0 }, objects: { gained: 2, lost: 0 } },
      { owner: '(default)', namespaces: { gained: 0, lost: 1 }, objects: { gained: 0, lost: 2 } },
    ]);
  });

  it('warns when an object lives in a namespace the world does not have', async () => {
    const result = await run(['diff', '-f', v2, '--from', v1, '--world', fixture('orphan.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'warning: namespace "beta-2" is not in the world: its labels are taken as empty\n',
    );
    expect(result.stdout).toContain('apps/deployments/beta-2/web  (default)  v2');
  });

  it('needs the old VirtualApp and the world', async () => {
    const result = await run(['diff', '-f', v2, '--world', world]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'give --from OLD, or --cluster to compare with what the cluster runs',
    );
  });
});
