import { defineProject } from 'vitest/config';

// Tests run in Vite's SSR environment, which takes its own resolve conditions: without
// `ssr.resolve.conditions`, workspace packages resolve to their (possibly stale) `dist`.
export default defineProject({
  resolve: { conditions: ['@ctrlmesh/source'] },
  ssr: { resolve: { conditions: ['@ctrlmesh/source'] } },
  test: {
    name: 'proxy-runtime',
    include: ['src/**/*.test.ts'],
    // `*.test-d.ts` are compiled, not run: they prove that a wrong composition does not compile
    // (an `@ts-expect-error` that is not needed fails), so every `vitest run` checks them too.
    typecheck: {
      enabled: true,
      include: ['src/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
