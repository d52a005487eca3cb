import {
  type ProxyConfig,
  type ProxyConfigInput,
  ProxyConfigSchema,
} from '@ctrlmesh/proxy-runtime';
import { describeConfigProblems } from './config-sources.js';
import { type Flags, parseFlags, USAGE } from './flags.js';

/** Where the command line's answers go: stdout and stderr in `main`. */
export interface CommandOutput {
  out(text: string): void;
  err(text: string): void;
}

/** What the command line asks for: to exit at once with a status, or to run a proxy. */
export type Command = { readonly exit: number } | { readonly config: ProxyConfig };

// Without either, no routes would ever arrive: the proxy would run and never be ready.
const hasRouteSource = (input: ProxyConfigInput): boolean =>
  input.routes?.virtualAppFile !== undefined || input.routes?.stateFile !== undefined;

/**
 * Reads the command line and environment into a valid config. Answers `--help` and `--version`
 * (exit 0), and refuses usage errors and invalid configurations (exit 2), by itself.
 */
export const readCommandLine = (
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  output: CommandOutput,
): Command => {
  const usageError = (message: string): Command => {
    output.err(`ctrlmesh-proxy: ${message}\n\n${USAGE}`);
    return { exit: 2 };
  };
  let flags: Flags;
  try {
    flags = parseFlags(argv, env);
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (flags.help) {
    output.out(flags.text);
    return { exit: 0 };
  }
  if (!hasRouteSource(flags.input))
    return usageError('no source of routes: give --virtualapp FILE, --state-file FILE, or both');
  const parsed = ProxyConfigSchema.safeParse(flags.input);
  if (!parsed.success) {
    output.err(
      `ctrlmesh-proxy: invalid configuration\n${describeConfigProblems(parsed.error.issues)}\n`,
    );
    return { exit: 2 };
  }
  return { config: parsed.data };
};
