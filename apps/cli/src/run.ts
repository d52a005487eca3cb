// The process side of the command line (argv, streams, exit status), loaded by main.ts.
import { basename } from 'node:path';
import { processIo } from './cli-io.js';
import { EXIT } from './exit-code.js';
import { runCli } from './program.js';

// Run as a kubectl plugin (kubectl-ctrlmesh), help and messages say `kubectl ctrlmesh`.
const name = basename(process.argv[1] ?? '').startsWith('kubectl-')
  ? 'kubectl ctrlmesh'
  : 'ctrlmesh';

runCli(process.argv.slice(2), processIo(), name).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = EXIT.internal;
  },
);
