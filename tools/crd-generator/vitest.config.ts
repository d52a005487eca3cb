import { defineProject } from 'vitest/config';

// Read route-engine's source, not its (possibly stale) dist: the CRD must follow the schema as it is.
export default defineProject({
  resolve: { conditions: ['@ctrlmesh/source'] },
  ssr: { resolve: { conditions: ['@ctrlmesh/source'] } },
  test: { name: 'crd-generator', include: ['src/**/*.test.ts'] },
});
