import { defineProject } from 'vitest/config';

// Read the workspace packages' sources, not their (possibly stale) dist.
export default defineProject({
  resolve: { conditions: ['@ctrlmesh/source'] },
  ssr: { resolve: { conditions: ['@ctrlmesh/source'] } },
  test: { name: 'examples', include: ['*.test.ts'] },
});
