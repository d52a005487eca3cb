import { defineConfig } from 'vitest/config';

// One vitest project per workspace package; each package owns its vitest.config.ts.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'e2e/controllers/*/vitest.config.ts', 'e2e'],
  },
});
