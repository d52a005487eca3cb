import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@ctrlmesh/source'] },
  test: { name: 'list-option-injector', include: ['src/**/*.test.ts'] },
});
