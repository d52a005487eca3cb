/** Prints the demo as numbered steps, each with what it showed, for a person to follow. */
export interface Narrator {
  /** Runs one named step; its failure becomes a {@link StepFailedError} naming the step. */
  step<T>(title: string, run: () => Promise<T>): Promise<T>;
  /** One indented line under the current step. */
  say(line: string): void;
  /** An indented table, columns padded to their widest cell. */
  table(headers: readonly string[], rows: readonly (readonly string[])[]): void;
}

/** A step that failed or timed out: the demo's exit message. */
export class StepFailedError extends Error {
  constructor(
    readonly step: string,
    cause: unknown,
  ) {
    super(`step ${step} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

const indent = '       ';

/** Lines of an aligned text table (no borders, a dashed rule under the headers). */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string[] {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

/** A narrator for `totalSteps` steps writing to `write` (stdout by default). */
export function createNarrator(
  totalSteps: number,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Narrator {
  let index = 0;
  const say = (line: string) => write(`${indent}${line}\n`);
  return {
    async step(title, run) {
      index++;
      write(`\n[${index}/${totalSteps}] ${title}\n`);
      const started = Date.now();
      try {
        const result = await run();
        say(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
        return result;
      } catch (error) {
        throw new StepFailedError(`${index}/${totalSteps} ${title}`, error);
      }
    },
    say,
    table(headers, rows) {
      for (const line of formatTable(headers, rows)) say(line);
    },
  };
}
