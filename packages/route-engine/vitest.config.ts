import { defineProject } from 'vitest/config';

export default defineProject({
  // Vite's SSR environment (where tests run) takes its own conditions: without them a workspace
  // import would resolve to a possibly stale dist/.
  resolve: { conditions: ['@ctrlmesh/source'] },
  ssr: { resolve: { conditions: ['@ctrlmesh/source'] } },
  test: {
    name: 'route-engine',
    include: ['src/**/*.test.ts'],
    // `npm run bench` only; `vitest run` never picks up *.bench.ts files.
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
});
