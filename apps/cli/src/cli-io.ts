import { readFileSync } from 'node:fs';

/**
 * Everything a command touches outside itself: output streams, files, environment. `main` hands
 * in the process's; tests hand in captured ones, so every command runs in-process.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Reads a file as UTF-8; throws as `node:fs` does when it cannot. */
  readFile(path: string): string;
  /** Reads all of standard input as UTF-8 (`-f -`); rejects when it cannot. */
  readStdin(): Promise<string>;
  /** Whether stdout is a terminal: colours are for terminals only. */
  readonly stdoutIsTTY: boolean;
  /** Whether stderr is a terminal: progress is redrawn in place on one, else printed as lines. */
  readonly stderrIsTTY: boolean;
  /** The terminal's width, when stdout is one: redrawing in place counts wrapped lines. */
  readonly columns?: number | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * A signal that aborts when the user interrupts the program (Ctrl-C, SIGTERM). Only commands
   * that run until interrupted (`status --watch`) ask for it; the others stop as Node does.
   */
  interrupted(): AbortSignal;
  /** Milliseconds of a monotonic clock: waits measure their timeout on it. */
  now(): number;
  /** Resolves after `ms` milliseconds: waits poll the cluster with it. */
  sleep(ms: number): Promise<void>;
}

/** The real process's streams, files and environment. */
export const processIo = (): CliIo => ({
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readFile: (path) => readFileSync(path, 'utf8'),
  // The stream, not readFileSync(0), which fails with EAGAIN on a pipe Node opened non-blocking.
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  },
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  columns: process.stdout.columns,
  env: process.env,
  interrupted: () => {
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return controller.signal;
  },
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});
