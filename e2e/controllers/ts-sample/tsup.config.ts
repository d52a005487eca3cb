import { defineConfig } from 'tsup';

// A program, not a library: one ESM entry, no declarations.
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  clean: true,
  sourcemap: true,
  target: 'node24',
});
