import { defineConfig } from 'vitest/config';
import { LONG_CHECKS } from './vitest.learning.config.js';

/**
 * `npm test`: fast checks only. Long checks (thousands of simulated
 * decisions, trained networks, the 1,000-customer journeys kill test) run
 * under `npm run test:learning` (vitest.learning.config.ts), which CI runs too.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...LONG_CHECKS, '**/node_modules/**'],
    // Generous: the suite must not fail from timing when the machine is busy (2 cores, many jobs).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores on CI: keep worker count small so timing-sensitive e2e tests are not starved.
    maxWorkers: 2,
  },
});
