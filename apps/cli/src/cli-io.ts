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
  /** Whether stdout is a terminal: colours are for terminals only. */
  readonly stdoutIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The real process's streams, files and environment. */
export const processIo = (): CliIo => ({
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readFile: (path) => readFileSync(path, 'utf8'),
  stdoutIsTTY: process.stdout.isTTY === true,
  env: process.env,
});
