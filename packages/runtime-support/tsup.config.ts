import { defineConfig } from 'tsup';

export default defineConfig({
  // `testing/index` is the `./testing` subpath: a manual clock for the runtimes' tests.
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node24',
});
