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

/**
 * A captured CliIo: not a terminal and no NO_COLOR unless `options` say otherwise. Its clock is
 * virtual: it starts at 0 and only `sleep` moves it, at once, after calling `onSleep` (where a
 * test plays what happens in the cluster meanwhile), so waits run without real time passing.
 */
export const capturedIo = (
  options: {
    stdoutIsTTY?: boolean;
    stderrIsTTY?: boolean;
    /** What `-f -` reads. */
    stdin?: string;
    /** Called with the virtual time before each sleep of `ms` ends. */
    onSleep?: (ms: number, now: number) => void;
    columns?: number;
    env?: Record<string, string | undefined>;
    /** Aborting it is the user pressing Ctrl-C. */
    interrupt?: AbortSignal;
  } = {},
): CapturedIo => {
  let out = '';
  let err = '';
  let now = 0;
  return {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    readFile: (path) => readFileSync(path, 'utf8'),
    readStdin: async () => {
      if (options.stdin === undefined) throw new Error('EBADF: no standard input');
      return options.stdin;
    },
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    stderrIsTTY: options.stderrIsTTY ?? false,
    columns: options.columns,
    env: options.env ?? {},
    interrupted: () => options.interrupt ?? new AbortController().signal,
    now: () => now,
    sleep: async (ms) => {
      options.onSleep?.(ms, now);
      now += ms;
    },
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
