import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startCapturedNode } from '../support/captured-process.js';

const e2eDir = path.resolve(import.meta.dirname, '..');
const tsx = fileURLToPath(import.meta.resolve('tsx/cli'));

/** Runs the demo as `npm run demo` does after its build, with no terminal: stdin closed, output piped. */
const runDemo = () =>
  startCapturedNode([tsx, 'demo/canary-demo.ts'], {
    cwd: e2eDir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
  }).exited;

// Issue 12: `npm run demo` on the whole system, run non-interactively. It starts its own
// kube-apiserver (the run's shared one is not used), so it is one long test.
describe('npm run demo, without a terminal', () => {
  it('tells the whole story in plain text and exits 0', { timeout: 240_000 }, async () => {
    const { code, stdout, stderr } = await runDemo();
    expect(stderr, stdout).not.toContain('demo failed');
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    // Plain output: no colour or cursor movement when stdout is not a terminal.
    expect(stdout).not.toContain(`${String.fromCharCode(27)}[`);
    for (let step = 1; step <= 10; step++) expect(stdout).toContain(`[${step}/10] `);
    // Installed from deploy/ with the CLI, the manager's pod made from its Deployment.
    expect(stdout).toContain('$ ctrlmesh install -f ctrlmesh.yaml');
    expect(stdout).toMatch(/deployment ctrlmesh-system\/ctrlmesh-manager: rolled out/);
    expect(stdout).toMatch(/made pod ctrlmesh-manager-[a-f0-9]{10}-[a-z0-9]{5} from the template/);
    // The validating webhook refuses the broken VirtualApp; the valid one is published.
    expect(stdout).toContain(
      '422 admission webhook "virtualapps.ctrlmesh.io" denied the request: VirtualApp "go-sample" is invalid: spec.subsets[0].routeRules[0]: unknown sub-rule "canary"',
    );
    expect(stdout).toMatch(/the manager published it: revision go-sample-[a-f0-9]+, Settled/);
    // The injection webhook gave the pods the proxy; the CLI shows them all up to date.
    expect(stdout).toContain('init container ctrlmesh-proxy (restartPolicy: Always)');
    expect(stdout).toMatch(/v2 +1 +1 +1/);
    expect(stdout).toMatch(/\(default\) +2 +2 +2/);
    expect(stdout).toContain('403 Forbidden');
    // Widened and rolled back, each with diff before, the handover's phases, status after.
    expect(stdout).toContain('$ ctrlmesh diff -f go-sample-widened.yaml --cluster');
    expect(stdout).toContain('$ ctrlmesh diff -f go-sample.yaml --cluster');
    expect(stdout.match(/status\.routing: Revoking \(.+\) -> Settled \(.+\)/g)).toHaveLength(2);
    expect(stdout.match(/no process restarted/g)).toHaveLength(2);
    expect(stdout).toContain('the rollback republished the first revision');
    expect(stdout).toContain('none seen by two subsets at once');
    expect(stdout).toMatch(/\d+ processes stopped, none left running/);
    expect(stdout).toMatch(/demo done in \d+\.\d s/);
  });
});
