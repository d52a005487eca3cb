import { describe, expect, it } from 'vitest';
import { capturedIo, fixture, run } from './testing/captured-io.js';

describe('the ctrlmesh program', () => {
  it.each(['validate', 'explain', 'diff', 'test', 'install'])(
    'prints help with examples and exit codes for %s',
    async (command) => {
      const result = await run([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: ctrlmesh ${command} [options]`);
      expect(result.stdout).toContain('Examples:\n  # ');
      expect(result.stdout).toContain(`$ ctrlmesh ${command} `);
      expect(result.stdout).toMatch(/Exit codes/);
    },
  );

  it('lists the commands and the exit codes in its own help', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['validate', 'explain', 'diff', 'test', 'status', 'install']) {
      expect(result.stdout).toContain(`  ${command} `);
    }
    expect(result.stdout).toContain(
      'Exit codes: 0 ok, 1 problems/differences/failures found (or, for status, not settled; for install, not ready in time), 2 usage error, 3 unusable input, 4 the cluster gave no answer.',
    );
  });

  it('prints its version', async () => {
    const result = await run(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('treats no command, an unknown command and an unknown flag as usage errors', async () => {
    expect((await run([])).code).toBe(2);
    const unknown = await run(['valdate', 'x.yaml']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('(Did you mean validate?)');
    expect((await run(['validate', '--frobnicate', 'x.yaml'])).code).toBe(2);
    expect((await run(['explain', '-f', 'x.yaml', '-o', 'xml', 'ns/a'])).code).toBe(2);
  });

  it('colours its output on a terminal', async () => {
    const result = await run(
      ['validate', fixture('canary-v1.yaml')],
      capturedIo({ stdoutIsTTY: true }),
    );
    expect(result.stdout).toContain('\u001b[32mok\u001b[39m');
  });

  it('never colours when NO_COLOR is set or stdout is not a terminal', async () => {
    const noColor = await run(
      ['validate', fixture('invalid.yaml')],
      capturedIo({ stdoutIsTTY: true, env: { NO_COLOR: '1' } }),
    );
    const piped = await run(['validate', fixture('invalid.yaml')]);
    expect(noColor.stdout).not.toContain('\u001b[');
    expect(piped.stdout).not.toContain('\u001b[');
    expect(noColor.stdout).toBe(piped.stdout);
  });

  it('calls itself kubectl ctrlmesh when run as a kubectl plugin', async () => {
    const io = capturedIo();
    const { runCli } = await import('./program.js');
    await runCli(['validate', '--help'], io, 'kubectl ctrlmesh');
    expect(io.stdout()).toContain('Usage: kubectl ctrlmesh validate');
  });
});
