import { createProxy, ProxyConfigSchema } from '@ctrlmesh/proxy-runtime';
import { z } from 'zod';
import { parseFlags, USAGE } from './flags.js';
import { applyHeapDefaults } from './heap-defaults.js';

// flags/env -> config -> start(signal) -> wait for SIGTERM; everything else is in proxy-runtime.
const main = async (): Promise<number> => {
  applyHeapDefaults(process.execArgv);
  let flags: ReturnType<typeof parseFlags>;
  try {
    flags = parseFlags(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`ctrlmesh-proxy: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const parsed = ProxyConfigSchema.safeParse(flags.input);
  if (!parsed.success) {
    process.stderr.write(
      `ctrlmesh-proxy: invalid configuration\n${z.prettifyError(parsed.error)}\n`,
    );
    return 2;
  }
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort());
  await createProxy(parsed.data).start(stop.signal);
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
