import { createProxy } from '@ctrlmesh/proxy-runtime';
import { runMain } from '@ctrlmesh/runtime-support';
import { readCommandLine } from './command-line.js';
import { applyHeapDefaults } from './heap-defaults.js';

// flags/env -> config -> start(stop) until SIGTERM; everything else is in proxy-runtime.
runMain('ctrlmesh-proxy', async (stop) => {
  applyHeapDefaults(process.execArgv);
  const command = readCommandLine(process.argv.slice(2), process.env, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
  if ('exit' in command) return command.exit;
  await createProxy(command.config).start(stop);
  return 0;
});
