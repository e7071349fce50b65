import { defineConfig } from 'vitest/config';

/**
 * The long checks kept out of `npm test` so it stays fast: the learning
 * checks (fixed seeds, fixed margins, full-length streams) and the journeys
 * fleet test that kills a replica among 1,000 customers (40-70 s alone),
 * the campaign fleet test that kills one of two replica processes (about 45 s), the
 * 10,000-member campaign on Redis with two replicas (about 30 s), and the two fleet tests on a
 * Redis Cluster of their own (a master's failover under load; two replicas learning as one).
 */
export const LONG_CHECKS = [
  'test/learning/**',
  'test/journeys/fleet-kill.test.ts',
  'test/campaigns/fleet-kill.test.ts',
  'test/campaigns/redis-10k.test.ts',
  // Each starts its own 3+3 Redis Cluster: 16-22 s alone, 45 s when sharing two cores with the suite.
  'test/fleet/failover.test.ts',
  'test/fleet/fleet-cluster.test.ts',
];

/** `npm run test:learning`: the long checks. CI runs both (.ci/run). */
export default defineConfig({
  test: {
    include: LONG_CHECKS.map((p) => (p.endsWith('/**') ? `${p}/*.test.ts` : p)),
    // Wall time depends on the machine's load; the assertions do not.
    testTimeout: 1_800_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
