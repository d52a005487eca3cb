/** The part of `process` that {@link runMain} uses; a test hands in its own. */
export interface MainProcess {
  once(event: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  exitCode?: number | string | null | undefined;
  readonly stderr: { write(text: string): unknown };
}

/**
 * Runs the `main` of an executable named `name`: `main` gets a signal that aborts on the first
 * SIGTERM or SIGINT (a pod being stopped; Ctrl-C) and resolves with the exit code. An error it
 * throws is printed as `<name>: <message>` with exit code 1, without a stack: the runtimes throw
 * errors whose message says what to fix. The exit code is set rather than `process.exit` called,
 * so that logs and responses still being written are flushed; the returned promise settles then.
 */
export const runMain = async (
  name: string,
  main: (stop: AbortSignal) => Promise<number>,
  proc: MainProcess = process,
): Promise<void> => {
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) proc.once(signal, () => stop.abort());
  try {
    proc.exitCode = await main(stop.signal);
  } catch (error) {
    proc.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    proc.exitCode = 1;
  }
};
