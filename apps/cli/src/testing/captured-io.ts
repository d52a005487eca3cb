import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../cli-io.js';
import type { Cluster, ClusterFlags } from '../cluster.js';
import { runCli } from '../program.js';

/** A CliIo whose output is kept for assertions; files are read from disk. */
export interface CapturedIo extends CliIo {
  readonly stdout: () => string;
  readonly stderr: () => string;
}

/** A captured CliIo: not a terminal and no NO_COLOR unless `options` say otherwise. */
export const capturedIo = (
  options: {
    stdoutIsTTY?: boolean;
    columns?: number;
    env?: Record<string, string | undefined>;
    /** Aborting it is the user pressing Ctrl-C. */
    interrupt?: AbortSignal;
  } = {},
): CapturedIo => {
  let out = '';
  let err = '';
  return {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    readFile: (path) => readFileSync(path, 'utf8'),
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    columns: options.columns,
    env: options.env ?? {},
    interrupted: () => options.interrupt ?? new AbortController().signal,
    stdout: () => out,
    stderr: () => err,
  };
};

/** The path of a file in src/fixtures. */
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** Runs the CLI in-process and returns its exit status and output. */
export const run = async (
  argv: readonly string[],
  io: CapturedIo = capturedIo(),
): Promise<{ code: number; stdout: string; stderr: string }> => {
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
};

/**
 * Runs the CLI in-process against `cluster` (a fake): the kubectl flags it was opened with are
 * kept in `flags`.
 */
export const runOnCluster = async (
  argv: readonly string[],
  cluster: Cluster,
  io: CapturedIo = capturedIo(),
): Promise<{ code: number; stdout: string; stderr: string; flags: ClusterFlags[] }> => {
  const flags: ClusterFlags[] = [];
  const code = await runCli(argv, io, 'ctrlmesh', async (_io, given) => {
    flags.push({
      kubeconfig: given.kubeconfig,
      context: given.context,
      namespace: given.namespace,
    });
    return cluster;
  });
  return { code, stdout: io.stdout(), stderr: io.stderr(), flags };
};
