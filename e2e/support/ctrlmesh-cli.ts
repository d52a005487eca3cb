import { spawn } from 'node:child_process';
import path from 'node:path';

/** The built `ctrlmesh` (apps/cli, `npm run build`), run as users run it. */
export const ctrlmeshBinary = path.resolve(import.meta.dirname, '../../apps/cli/dist/main.js');

/** How a `ctrlmesh` run ended. */
export interface CtrlmeshResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A `ctrlmesh` still running (`status --watch`): its output so far, and a way to stop it. */
export interface CtrlmeshProcess {
  stdout(): string;
  stderr(): string;
  /** Sends `signal` (Ctrl-C's SIGINT by default) and resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<CtrlmeshResult>;
  /** Resolves once it has exited by itself. */
  readonly exited: Promise<CtrlmeshResult>;
}

/**
 * Starts the built `ctrlmesh` with `args`, its stdout a pipe (not a terminal), with `env` on
 * top of a clean environment: no inherited KUBECONFIG or NO_COLOR, HOME where no kubeconfig is.
 */
export function startCtrlmesh(
  args: readonly string[],
  env: Record<string, string> = {},
): CtrlmeshProcess {
  const child = spawn(process.execPath, [ctrlmeshBinary, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: path.join(import.meta.dirname, 'no-home'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<CtrlmeshResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    stop: (signal = 'SIGINT') => {
      child.kill(signal);
      return exited;
    },
    exited,
  };
}

/** Runs the built `ctrlmesh` with `args` to the end (see {@link startCtrlmesh}). */
export function runCtrlmesh(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CtrlmeshResult> {
  return startCtrlmesh(args, env).exited;
}
