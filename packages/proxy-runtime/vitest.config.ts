import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@ctrlmesh/source'] },
  test: { name: 'proxy-runtime', include: ['src/**/*.test.ts'] },
});
