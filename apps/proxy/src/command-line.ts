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

// Without any, no routes would ever arrive: the proxy would run and never be ready.
const hasRouteSource = (input: ProxyConfigInput): boolean =>
  input.routes?.virtualAppFile !== undefined ||
  input.routes?.virtualAppName !== undefined ||
  input.routes?.stateFile !== undefined;

/** What is wrong with the choice of route source, if anything (cluster mode needs more). */
const routeSourceProblem = (input: ProxyConfigInput): string | undefined => {
  if (!hasRouteSource(input))
    return 'no source of routes: give --virtualapp FILE, --virtualapp-name NAME or --state-file FILE';
  if (input.routes?.virtualAppName === undefined) return undefined;
  if (input.routes.virtualAppFile !== undefined)
    return '--virtualapp FILE and --virtualapp-name NAME exclude each other: routes come from a file or from the cluster';
  const missing = [
    input.credentials?.tokenFile === undefined
      ? '--token-file (its own token reads the VirtualApp)'
      : undefined,
    input.pod?.name === undefined
      ? '--pod-name or POD_NAME (it reports on its own pod)'
      : undefined,
    input.pod?.namespace === undefined
      ? "--pod-namespace or POD_NAMESPACE (the VirtualApp is in the pod's namespace)"
      : undefined,
  ].filter((flag) => flag !== undefined);
  return missing.length === 0 ? undefined : `--virtualapp-name needs ${missing.join(', ')}`;
};

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
  const problem = routeSourceProblem(flags.input);
  if (problem !== undefined) return usageError(problem);
  const parsed = ProxyConfigSchema.safeParse(flags.input);
  if (!parsed.success) {
    output.err(
      `ctrlmesh-proxy: invalid configuration\n${describeConfigProblems(parsed.error.issues)}\n`,
    );
    return { exit: 2 };
  }
  return { config: parsed.data };
};
