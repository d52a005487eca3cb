import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from './eventually.js';
import { kasBinary, startKas } from './kas-process.js';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('The kas harness starts and stops the server cleanly', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-harness-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fails fast with the log tail when kube-apiserver rejects its flags', async () => {
    const started = Date.now();
    await expect(
      startKas({ dir, users: [], readyTimeoutMs: 60_000, apiserverArgs: ['--no-such-flag'] }),
    ).rejects.toThrow(/exited before it was ready[\s\S]*unknown flag: --no-such-flag/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('gives up after the ready timeout and says so', async () => {
    await expect(startKas({ dir, users: [], readyTimeoutMs: 50 })).rejects.toThrow(
      /not ready within 50 ms; last lines of .*kas\.log/,
    );
  });

  it('stops on SIGTERM with exit code 0 and no process left', async () => {
    const kas = await startKas({ dir, users: ['carol'], readyTimeoutMs: 120_000 });
    expect(kas.info.users.map((user) => user.name)).toEqual(['carol']);
    expect(isRunning(kas.info.pid)).toBe(true);
    expect(await kas.stop()).toEqual({ exitCode: 0, signal: null });
    expect(isRunning(kas.info.pid)).toBe(false);
  });

  it('stops itself when its parent closes stdin, as when the test runner is killed', async () => {
    const readyFile = path.join(dir, 'kas.json');
    const child = spawn(kasBinary, ['serve', `--dir=${dir}`, '--stop-on-stdin-close'], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const exit = once(child, 'exit');
    try {
      await eventually(() => expect(existsSync(readyFile)).toBe(true), {
        what: 'kas to write its ready file',
        timeoutMs: 120_000,
      });
      child.stdin.end();
      const [code] = await exit;
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
