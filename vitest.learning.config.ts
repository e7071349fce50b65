import { defineConfig } from 'vitest/config';

/**
 * `npm run test:learning`: the long learning checks (fixed seeds, fixed
 * margins, full-length streams) kept out of `npm test` so that stays fast.
 * CI runs both (.ci/run).
 */
export default defineConfig({
  test: {
    include: ['test/learning/**/*.test.ts'],
    // Wall time depends on the machine's load; the assertions do not.
    testTimeout: 1_800_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
