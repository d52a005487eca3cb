import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from './testing/captured-io.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const binary = join(appDir, 'dist', 'main.js');
const links = mkdtempSync(join(tmpdir(), 'ctrlmesh-cli-'));

/** Runs the built binary as a process, as users and CI do: no TTY, so no colours. */
const ctrlmesh = (args: readonly string[], program = binary) => {
  const result = spawnSync(process.execPath, [program, ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

describe('the built ctrlmesh binary', () => {
  beforeAll(() => {
    // The bundle is what ships; build it from the current sources.
    execFileSync(process.execPath, [join(appDir, '../../node_modules/tsup/dist/cli-default.js')], {
      cwd: appDir,
      stdio: 'ignore',
    });
  }, 120_000);

  afterAll(() => rmSync(links, { recursive: true, force: true }));

  it('validates files and exits 0, or 1 with the problems', () => {
    expect(ctrlmesh(['validate', fixture('canary-v1.yaml')]).code).toBe(0);
    const invalid = ctrlmesh(['validate', fixture('invalid.yaml')]);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toContain('unknown sub-rule "canary"');
    expect(invalid.stdout).not.toContain('\u001b[');
  });

  it('explains a target as JSON', () => {
    const result = ctrlmesh([
      'explain',
      '-f',
      fixture('canary-v1.yaml'),
      '--world',
      fixture('world.yaml'),
      '-o',
      'json',
      'apps/deployments/canary-a/web',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)[0]).toMatchObject({ owner: 'v2' });
  });

  it('gates on owner changes like diff(1)', () => {
    const args = ['--from', fixture('canary-v1.yaml'), '--world', fixture('world.yaml')];
    const changed = ctrlmesh(['diff', '-f', fixture('canary-v2.yaml'), ...args]);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('v2: +1 namespace, +2 objects');
    expect(ctrlmesh(['diff', '-f', fixture('canary-v1.yaml'), ...args]).code).toBe(0);
  });

  it('runs cases and writes JUnit XML', () => {
    const passing = ctrlmesh([
      'test',
      '-f',
      fixture('canary-v1.yaml'),
      fixture('canary.cases.yaml'),
    ]);
    expect(passing.code).toBe(0);
    expect(passing.stdout).toContain('8 passed, 0 failed');
    const failing = ctrlmesh([
      'test',
      '-f',
      fixture('canary-v1.yaml'),
      fixture('failing.cases.yaml'),
      '-o',
      'junit',
    ]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
  });

  it('exits 2 on a usage error and 3 on an unreadable file', () => {
    expect(ctrlmesh(['validate', '--nope']).code).toBe(2);
    expect(ctrlmesh(['validate', fixture('missing.yaml')]).code).toBe(3);
  });

  it('works as a kubectl plugin named kubectl-ctrlmesh', () => {
    const plugin = join(links, 'kubectl-ctrlmesh');
    symlinkSync(binary, plugin);
    const result = ctrlmesh(['--help'], plugin);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: kubectl ctrlmesh [options] [command]');
  });
});
