import { createProxy } from '@ctrlmesh/proxy-runtime';
import { readCommandLine } from './command-line.js';
import { applyHeapDefaults } from './heap-defaults.js';

// flags/env -> config -> start(signal) -> wait for SIGTERM; everything else is in proxy-runtime.
const main = async (): Promise<number> => {
  applyHeapDefaults(process.execArgv);
  const command = readCommandLine(process.argv.slice(2), process.env, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
  if ('exit' in command) return command.exit;
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort());
  await createProxy(command.config).start(stop.signal);
  return 0;
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `ctrlmesh-proxy: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
