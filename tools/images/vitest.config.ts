import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'images',
    include: ['src/**/*.test.ts'],
    // Building an image (a Debian root filesystem, npm install, buildah commit) takes minutes.
    testTimeout: 60_000,
    hookTimeout: 900_000,
  },
});
