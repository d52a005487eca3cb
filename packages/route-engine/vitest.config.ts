import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@ctrlmesh/source'] },
  test: {
    name: 'route-engine',
    include: ['src/**/*.test.ts'],
    // `npm run bench` only; `vitest run` never picks up *.bench.ts files.
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
});
