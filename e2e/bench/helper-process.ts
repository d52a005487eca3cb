import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A benchmark helper process (pass-through, stand-in apiserver, static proxy) and its port. */
export interface HelperProcess {
  readonly child: ChildProcess;
  readonly port: number;
}

/**
 * Starts `script` (relative to e2e/bench) with node, `portFile` as its first argument and then
 * `args`, and waits until the script has written its port there (loopback-server.mjs); a helper
 * that exits or takes longer than 15 s is killed and the start fails.
 */
export const startHelper = async (
  script: string,
  args: readonly string[],
  portFile: string,
  options: { nodeArgs?: readonly string[]; env?: Record<string, string> } = {},
): Promise<HelperProcess> => {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), path.join(import.meta.dirname, script), portFile, ...args],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...options.env } },
  );
  const deadline = Date.now() + 15_000;
  while (!existsSync(portFile)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} did not start`);
    }
    await sleep(50);
  }
  return { child, port: Number(readFileSync(portFile, 'utf8')) };
};
