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
export const startHelper = (
  script: string,
  args: readonly string[],
  portFile: string,
  options: { nodeArgs?: readonly string[]; env?: Record<string, string> } = {},
): Promise<HelperProcess> =>
  startHelperCommand(
    process.execPath,
    [...(options.nodeArgs ?? []), path.join(import.meta.dirname, script), portFile, ...args],
    portFile,
    { name: script, env: options.env },
  );

/**
 * Starts a helper binary (`file`, an absolute path) the same way: `portFile` first, then `args`;
 * a missing binary fails with the command that builds it.
 */
export const startBinaryHelper = (
  file: string,
  args: readonly string[],
  portFile: string,
  options: { buildHint: string; env?: Record<string, string> },
): Promise<HelperProcess> => {
  if (!existsSync(file)) {
    return Promise.reject(new Error(`${file} is missing; build it with \`${options.buildHint}\``));
  }
  return startHelperCommand(file, [portFile, ...args], portFile, {
    name: path.basename(file),
    env: options.env,
  });
};

const startHelperCommand = async (
  command: string,
  argv: readonly string[],
  portFile: string,
  options: { name: string; env?: Record<string, string> },
): Promise<HelperProcess> => {
  const child = spawn(command, argv, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...options.env },
  });
  const deadline = Date.now() + 15_000;
  while (!existsSync(portFile)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} did not start`);
    }
    await sleep(50);
  }
  return { child, port: Number(readFileSync(portFile, 'utf8')) };
};
