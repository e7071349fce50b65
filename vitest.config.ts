import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores on CI: keep worker count small so timing-sensitive e2e tests are not starved.
    maxWorkers: 2,
  },
});
