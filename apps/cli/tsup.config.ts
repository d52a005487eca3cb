import { defineConfig } from 'tsup';

// Every dependency the offline commands use is bundled and minified: Node then loads two modules
// (main.js, which turns the compile cache on, and the bundle) instead of resolving hundreds,
// which keeps the offline commands' start-up low (see README, Start-up).
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  clean: true,
  minify: true,
  sourcemap: true,
  target: 'node24',
  // All but @kubernetes/client-node, which only the cluster commands load (lazily, from
  // node_modules): bundled, its CommonJS dependencies would require Node's deprecated punycode
  // from outside node_modules and print a deprecation warning on every cluster command.
  noExternal: [/^(?!@kubernetes\/client-node)/],
  // Some dependencies (yaml's Node build) are CommonJS and require Node built-ins; an ES module
  // bundle needs a real `require` for them.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __ctrlmeshRequire } from 'node:module';\nconst require = __ctrlmeshRequire(import.meta.url);",
  },
});
