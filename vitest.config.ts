import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages expose their TS sources under this export condition, so tests need no build.
  resolve: { conditions: ['@etl/source'] },
  ssr: { resolve: { conditions: ['@etl/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
