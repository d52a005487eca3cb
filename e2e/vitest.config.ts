import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@ctrlmesh/source'] },
  test: {
    name: 'e2e',
    include: ['**/*.e2e.test.ts'],
    exclude: ['**/node_modules/**'],
  },
});
