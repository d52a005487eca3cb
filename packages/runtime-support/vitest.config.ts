import { defineProject } from 'vitest/config';

// Tests run in Vite's SSR environment, which takes its own resolve conditions: without
// `ssr.resolve.conditions`, workspace packages resolve to their (possibly stale) `dist`.
export default defineProject({
  resolve: { conditions: ['@ctrlmesh/source'] },
  ssr: { resolve: { conditions: ['@ctrlmesh/source'] } },
  test: { name: 'runtime-support', include: ['src/**/*.test.ts'] },
});
