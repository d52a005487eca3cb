import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const examples = import.meta.dirname;
const root = path.resolve(examples, '..');
const cliDir = path.join(root, 'apps/cli');
// The CLI is built into a folder of this test's own: apps/cli's e2e test rebuilds apps/cli/dist
// (tsup cleans it first) while this one runs.
const outDir = mkdtempSync(path.join(tmpdir(), 'ctrlmesh-examples-'));

/** Runs the built ctrlmesh as CI does, from the repository root, without a TTY. */
const ctrlmesh = (args: readonly string[]) => {
  const result = spawnSync(process.execPath, [path.join(outDir, 'main.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: outDir },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

const folders = readdirSync(examples, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'node_modules')
  .map((entry) => entry.name);

/** Every YAML file of every example, as `examples/FOLDER/FILE` (the path users type). */
const files = folders.flatMap((folder) =>
  readdirSync(path.join(examples, folder))
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => `examples/${folder}/${name}`),
);
const cases = files.filter((file) => file.endsWith('.cases.yaml'));
const manifests = files.filter((file) => !file.endsWith('.cases.yaml'));

const kindsOf = (file: string): string[] =>
  parseAllDocuments(readFileSync(path.join(root, file), 'utf8')).map(
    (document) => (document.toJS() as { kind?: string } | null)?.kind ?? '(none)',
  );
const virtualApps = manifests.filter((file) => kindsOf(file).includes('VirtualApp'));
const policies = manifests.filter((file) => !virtualApps.includes(file));

// The commands each example's README shows in its `sh` blocks, to run as they are.
const readmeCommands = folders.flatMap((folder) => {
  const readme = readFileSync(path.join(examples, folder, 'README.md'), 'utf8');
  return [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) =>
    (block[1] ?? '')
      .split('\n')
      .filter((line) => line.startsWith('ctrlmesh '))
      .map((line) => ({ folder, line })),
  );
});

describe('the example rule sets in examples/', () => {
  beforeAll(() => {
    execFileSync(
      process.execPath,
      [path.join(root, 'node_modules/tsup/dist/cli-default.js'), '--out-dir', outDir],
      { cwd: cliDir, stdio: 'ignore' },
    );
  }, 120_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('are folders with a README, a VirtualApp and cases for it', () => {
    expect(folders.length).toBeGreaterThanOrEqual(5);
    for (const folder of folders) {
      expect(readdirSync(path.join(examples, folder))).toContain('README.md');
      expect(virtualApps.some((file) => file.startsWith(`examples/${folder}/`))).toBe(true);
    }
    for (const file of cases) {
      expect(virtualApps).toContain(file.replace(/\.cases\.yaml$/, '.yaml'));
    }
  });

  it.each(virtualApps)('ctrlmesh validate %s exits 0', (file) => {
    const result = ctrlmesh(['validate', file]);
    expect(result.stdout).toContain(`ok ${file} (1 VirtualApp)`);
    expect(result.code).toBe(0);
  });

  it.each(cases)('ctrlmesh test passes every case of %s', (file) => {
    const result = ctrlmesh(['test', '-f', file.replace(/\.cases\.yaml$/, '.yaml'), file]);
    expect(result.stdout).toMatch(/^[1-9]\d* passed, 0 failed$/m);
    expect(result.code).toBe(0);
  });

  it('reports every case in one JUnit document, as CI reads it', () => {
    const [first] = cases;
    const result = ctrlmesh([
      'test',
      '-f',
      first!.replace(/\.cases\.yaml$/, '.yaml'),
      first!,
      '-o',
      'junit',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/<testsuites [^>]*failures="0"/);
  });

  it.each(policies)('ctrlmesh validate %s exits 0', (file) => {
    const kinds = kindsOf(file);
    expect(kinds.every((kind) => kind === 'TrafficPolicy' || kind === 'FaultInjection')).toBe(true);
    const result = ctrlmesh(['validate', file]);
    expect(result.stdout).toContain(`ok ${file} (1 ${kinds[0]})`);
    expect(result.code).toBe(0);
  });

  it.each(readmeCommands)('examples/$folder/README.md: $line exits 0', ({ line }) => {
    const args = line.split(/\s+/).slice(1);
    const result = ctrlmesh(args);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
