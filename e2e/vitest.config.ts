import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@ctrlmesh/source'] },
  test: {
    name: 'e2e',
    include: ['**/*.e2e.test.ts'],
    exclude: ['**/node_modules/**'],
    // One real kube-apiserver per run, started here (bounded at 120 s to /readyz).
    globalSetup: ['./support/global-setup.ts'],
    // Steps wait with eventually() (30 s by default), so a test gets room for a few of them.
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
