import { defineConfig } from 'tsup';

export default defineConfig({
  // `testing/index` is the `./testing` subpath: fast-check arbitraries for other packages' tests.
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
