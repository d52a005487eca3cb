import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from './testing/captured-io.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));
// Built beside dist/ (the bundled manifest is found relative to the code), not into it: other
// test files run dist/main.js while this one builds, and tsup empties its output folder first.
const outDir = join(appDir, 'dist-test');
const binary = join(outDir, 'main.js');
const links = mkdtempSync(join(tmpdir(), 'ctrlmesh-cli-'));

/** Runs the built binary as a process, as users and CI do: no TTY, so no colours. */
const ctrlmesh = (args: readonly string[], program = binary, nodeArgs: readonly string[] = []) => {
  const result = spawnSync(process.execPath, [...nodeArgs, program, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: links },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

// A preload that prints every module Node resolves, to see what a command loads.
const tracer = join(links, 'trace-modules.mjs');
writeFileSync(
  tracer,
  `import { registerHooks } from 'node:module';
registerHooks({
  resolve(specifier, context, next) {
    const resolved = next(specifier, context);
    process.stderr.write('loaded ' + resolved.url + '\\n');
    return resolved;
  },
});
`,
);

describe('the built ctrlmesh binary', () => {
  beforeAll(() => {
    // The bundle is what ships; build it from the current sources.
    execFileSync(
      process.execPath,
      [join(appDir, '../../node_modules/tsup/dist/cli-default.js'), '--out-dir', outDir],
      { cwd: appDir, stdio: 'ignore' },
    );
  }, 120_000);

  afterAll(() => {
    rmSync(links, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  });

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

  it('loads @kubernetes/client-node only for the commands that read a cluster', () => {
    const offline = ctrlmesh(['validate', fixture('canary-v1.yaml')], binary, ['--import', tracer]);
    expect(offline.code).toBe(0);
    expect(offline.stderr).toContain('/dist-test/run-');
    expect(offline.stderr).not.toContain('client-node');
    // Nor install's code (which reads the bundled manifest).
    expect(offline.stderr).not.toContain('/dist-test/run-install-');
    const kubeconfig = join(links, 'unreachable.kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
    const online = ctrlmesh(['status', '--kubeconfig', kubeconfig], binary, ['--import', tracer]);
    expect(online.stderr).toContain('/node_modules/@kubernetes/client-node/');
    // Nothing listens on port 9: the cluster gives no answer.
    expect(online.code).toBe(4);
    expect(online.stderr).toContain('ctrlmesh: cannot reach the apiserver');
  });

  it('prints the manifest it ships with install -o yaml, and exits 4 when no cluster answers', () => {
    const printed = ctrlmesh(['install', '-o', 'yaml']);
    expect(printed.code).toBe(0);
    const kinds = [...printed.stdout.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]);
    expect(kinds).toHaveLength(21);
    expect(kinds[0]).toBe('CustomResourceDefinition');
    // `-f -` reads a pipe, as `kustomize build ... | ctrlmesh install -f -` gives it.
    const piped = spawnSync(process.execPath, [binary, 'install', '-f', '-', '-o', 'yaml'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: links },
      input: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: piped}\n',
    });
    expect({ code: piped.status, stdout: piped.stdout }).toEqual({
      code: 0,
      stdout: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: piped\n',
    });
    const kubeconfig = join(links, 'unreachable-install.kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
    const unreachable = ctrlmesh(['install', '--kubeconfig', kubeconfig]);
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toContain(
      'ctrlmesh: cannot apply customresourcedefinition.apiextensions.k8s.io/virtualapps.ctrlmesh.io: cannot reach the apiserver',
    );
  });

  it('exits 3 when there is no kubeconfig to use', () => {
    const result = ctrlmesh(['status']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('no kubeconfig found');
  });

  it('works as a kubectl plugin named kubectl-ctrlmesh', () => {
    const plugin = join(links, 'kubectl-ctrlmesh');
    symlinkSync(binary, plugin);
    const result = ctrlmesh(['--help'], plugin);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: kubectl ctrlmesh [options] [command]');
  });
});
