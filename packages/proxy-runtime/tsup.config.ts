import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node24',
  // The CJS build needs import.meta.url too: the routes worker resolves its modules from it.
  shims: true,
});
