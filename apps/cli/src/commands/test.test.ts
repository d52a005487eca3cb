import { describe, expect, it } from 'vitest';
import { fixture, run } from '../testing/captured-io.js';

const vapp = fixture('canary-v1.yaml');

describe('ctrlmesh test', () => {
  it('passes every case of a cases file and exits 0', async () => {
    const result = await run(['test', '-f', vapp, fixture('canary.cases.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  ✓ the canary namespaces belong to v2\n');
    expect(result.stdout).toContain(
      '  ✓ kube-controller-manager is served by the default subset only\n',
    );
    expect(result.stdout.endsWith('8 passed, 0 failed\n')).toBe(true);
  });

  it('exits 1 on a failure, naming the case, what was expected and the reasons', async () => {
    const result = await run(['test', '-f', vapp, fixture('failing.cases.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      [
        '  ✗ wrongly expects the default subset',
        '      expected owner (default), got v2',
        '      target: apps/deployments in namespace "canary-a", object labels not known',
      ].join('\n'),
    );
    expect(result.stdout).toContain('      expected decision deny for subset v2, got allow');
    expect(result.stdout).toContain('      the asking pod belongs to subset "v2"');
    expect(result.stdout.endsWith('1 passed, 2 failed\n')).toBe(true);
  });

  it('prints TAP version 14 with a diagnostic block per failure', async () => {
    const result = await run(['test', '-f', vapp, fixture('failing.cases.yaml'), '-o', 'tap']);
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'TAP version 14',
      '1..3',
      `ok 1 - ${fixture('failing.cases.yaml')}: passes`,
    ]);
    expect(lines[3]).toBe(
      `not ok 2 - ${fixture('failing.cases.yaml')}: wrongly expects the default subset`,
    );
    expect(lines[4]).toBe('  ---');
    expect(lines[5]).toBe('  failures:');
    expect(lines[6]).toBe('    - expected owner (default), got v2');
    expect(lines).toContain('  ...');
    expect(lines.at(-2)).toBe('# 1 passed, 2 failed');
  });

  it('prints JUnit XML with one suite per file and escapes names', async () => {
    const result = await run([
      'test',
      '-f',
      vapp,
      fixture('canary.cases.yaml'),
      fixture('failing.cases.yaml'),
      '-o',
      'junit',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('<testsuites name="ctrlmesh test" tests="11" failures="2">');
    expect(result.stdout).toContain(
      `<testsuite name="${fixture('canary.cases.yaml')}" tests="8" failures="0">`,
    );
    expect(result.stdout).toContain(
      '<testcase name="wrongly expects a v2 pod to be denied &lt;here&gt;"',
    );
    expect(result.stdout).toContain(
      '<failure message="expected decision deny for subset v2, got allow">',
    );
    expect(result.stdout.match(/<testsuite /g)).toHaveLength(2);
  });

  it('exits 3 on a cases file that is not one, with every problem located', async () => {
    const result = await run(['test', '-f', vapp, fixture('bad.cases.yaml')]);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `${fixture('bad.cases.yaml')}:2: document 1: cases[0]: give exactly one of target and request`,
    );
    expect(result.stderr).toContain(
      `${fixture('bad.cases.yaml')}:6: document 1: cases[1].expect: Unrecognized key: "ownr"`,
    );
  });

  it('never refuses a list or watch, and checks what becomes of its items', async () => {
    const vapp = fixture('canary-v1.yaml');
    const result = await run(['test', '-f', vapp, fixture('lists.cases.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('5 passed, 2 failed');
    expect(result.stdout).toContain(
      'expected decision deny for subset v2, got filter (a list is never refused; its items: deny (owned by (default)))',
    );
    expect(result.stdout).toContain(
      'expected items deny, but "GET /api/v1/namespaces/team-a/pods/web" is not a list or watch',
    );
  });

  it('needs the VirtualApp under test', async () => {
    const result = await run(['test', fixture('canary.cases.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '-f, --file <vapp>' not specified");
  });
});
