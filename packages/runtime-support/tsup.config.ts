import { defineConfig } from 'tsup';

export default defineConfig({
  // `testing/index` is the `./testing` subpath: a manual clock for the runtimes' tests. `duration`
  // is `./duration`, for the CLI's bundle: the root's namespaces (x509, der) would bring node:crypto
  // and node:net into every start of an offline command.
  entry: {
    index: 'src/index.ts',
    duration: 'src/time/duration.ts',
    'testing/index': 'src/testing/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node24',
});
