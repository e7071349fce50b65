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
    // Files share each worker's module cache instead of importing everything afresh: module import
    // was about 90 of the suite's 180 s (2 cores, quiet). Tests keep their state in their own
    // objects (stores, servers, registries), so nothing leaks from one file to the next; the suite
    // passes in shuffled file order (--sequence.shuffle.files) as well.
    isolate: false,
  },
});
