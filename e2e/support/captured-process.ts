import { spawn } from 'node:child_process';

/** How a captured process ended. */
export interface CapturedResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A process whose output is kept: what it printed so far, and a way to stop it. */
export interface CapturedProcess {
  stdout(): string;
  stderr(): string;
  /** Sends `signal` (Ctrl-C's SIGINT by default) and resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<CapturedResult>;
  /** Resolves once it has exited by itself. */
  readonly exited: Promise<CapturedResult>;
}

/**
 * Starts `node` with `args`, stdin closed and its output in pipes (not a terminal, as in CI),
 * in exactly the environment `env` gives.
 */
export function startCapturedNode(
  args: readonly string[],
  options: { env: Record<string, string>; cwd?: string },
): CapturedProcess {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
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
  const exited = new Promise<CapturedResult>((resolve, reject) => {
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
