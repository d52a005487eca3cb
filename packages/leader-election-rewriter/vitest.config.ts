import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@ctrlmesh/source'] },
  test: { name: 'leader-election-rewriter', include: ['src/**/*.test.ts'] },
});
