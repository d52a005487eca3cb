import type { CliIo } from './cli-io.js';
import type { ConnectCluster } from './cluster.js';
import type { Palette } from './colour.js';
import type { ExitCode } from './exit-code.js';

/** What every command gets: the outside world, its colours, and where to put its exit status. */
export interface CommandContext {
  readonly io: CliIo;
  readonly palette: Palette;
  /** Opens the cluster the kubectl flags name (only commands that read a cluster call it). */
  readonly connect: ConnectCluster;
  /** The status the process exits with once the command returns. */
  exit(code: ExitCode): void;
}

/** Writes a JSON value for scripts: indented, one trailing newline. */
export const writeJson = (io: CliIo, value: unknown): void => {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
};

/** Examples for `--help`, one command line and what it does per entry. */
export const examplesText = (examples: readonly (readonly [string, string])[]): string =>
  `\nExamples:\n${examples.map(([line, what]) => `  # ${what}\n  $ ${line}\n`).join('')}`;
