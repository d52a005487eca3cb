import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'ts-sample',
    include: ['src/**/*.test.ts'],
  },
});
