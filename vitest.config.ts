import { defineConfig } from 'vitest/config';

// CI sets CTRLMESH_TEST_REPORT_DIR to read the counts from a JSON report, so that the command it
// runs stays exactly the README's `npm test`.
const reportDir = process.env.CTRLMESH_TEST_REPORT_DIR;

// One vitest project per workspace package; each package owns its vitest.config.ts.
export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'apps/*',
      'tools/*/vitest.config.ts',
      'e2e/controllers/*/vitest.config.ts',
      'e2e',
      'examples/vitest.config.ts',
      'docs/vitest.config.ts',
    ],
    reporters: reportDir
      ? ['default', ['json', { outputFile: `${reportDir}/vitest.json` }]]
      : ['default'],
  },
});
