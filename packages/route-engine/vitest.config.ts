import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@ctrlmesh/source'] },
  test: { name: 'route-engine', include: ['src/**/*.test.ts'] },
});
