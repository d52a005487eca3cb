import { Command, CommanderError } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import type { CliIo } from './cli-io.js';
import { type ConnectCluster, connectCluster } from './cluster.js';
import { ClusterError } from './cluster-error.js';
import { paletteFor } from './colour.js';
import type { CommandContext } from './command-context.js';
import { registerDiff } from './commands/diff.js';
import { registerExplain } from './commands/explain.js';
import { registerInstall } from './commands/install.js';
import { registerStatus } from './commands/status.js';
import { registerTest } from './commands/test.js';
import { registerValidate } from './commands/validate.js';
import { EXIT, type ExitCode } from './exit-code.js';
import { InputError } from './input-error.js';

/** This build's version, apps/cli/package.json's (tsup inlines it). */
export const VERSION: string = packageJson.version;

const DESCRIPTION =
  "Check ControllerMesh VirtualApps before they reach a cluster: validate them, explain who owns what, diff two revisions, and unit-test rule sets, offline on files; explain and diff read a live cluster with --cluster, status follows VirtualApps as they roll out, and install puts ControllerMesh on a cluster. Cluster commands take kubectl's --kubeconfig, --context and -n.";

// Help and version end the run with success; every other parser complaint is a usage error.
const SUCCESS_CODES = new Set(['commander.helpDisplayed', 'commander.version']);

/**
 * Runs the CLI on `argv` (the arguments after the program name) and returns the exit status.
 * Everything goes through `io`, so tests run commands in-process. `name` is how the program is
 * called (`kubectl ctrlmesh` when run as a kubectl plugin); `connect` opens a cluster for the
 * commands that read one (tests hand in their own).
 */
export const runCli = async (
  argv: readonly string[],
  io: CliIo,
  name = 'ctrlmesh',
  connect: ConnectCluster = connectCluster,
): Promise<ExitCode> => {
  let status: ExitCode = EXIT.ok;
  const context: CommandContext = {
    io,
    palette: paletteFor(io),
    connect,
    exit: (code) => {
      status = code;
    },
  };
  const program = new Command(name)
    .description(DESCRIPTION)
    .version(VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
    })
    .showHelpAfterError(`(run "${name} <command> --help" for usage)`)
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      `\nExit codes: 0 ok, 1 problems/differences/failures found (or, for status, not settled; for install, not ready in time), 2 usage error, 3 unusable input, 4 the cluster gave no answer.`,
    );
  registerValidate(program, context);
  registerExplain(program, context);
  registerDiff(program, context);
  registerTest(program, context);
  registerStatus(program, context);
  registerInstall(program, context, VERSION);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return SUCCESS_CODES.has(error.code) ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof InputError) {
      io.err(`${name}: ${error.message}\n`);
      return EXIT.input;
    }
    if (error instanceof ClusterError) {
      io.err(`${name}: ${error.message}\n`);
      return EXIT.cluster;
    }
    throw error;
  }
  return status;
};
