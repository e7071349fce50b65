import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { policiesFileSchema } from '../../src/policies/policy-config.js';
import { PolicySet } from '../../src/policies/policy-set.js';
import { checkUpliftAgainstTruth, coverage, type CombinationCheck } from '../../src/simulate/uplift-truth.js';

const SAMPLE = new URL('../../models/catalog.yaml', import.meta.url).pathname;

/**
 * `tact uplift --by trigger,channel` against the simulated world's known
 * truth, four world seeds pooled (the first rows of bench/uplift-coverage.ts,
 * which runs twelve): the 95% intervals of the combinations with enough data
 * must hold the true uplift most of the time (one miss allowed among them).
 */
describe('uplift per combination against the simulator\'s truth', () => {
  it('intervals of combinations with enough data cover the true uplift (4 seeds x 8000 decisions)', async () => {
    const catalog = await loadCatalog(SAMPLE);
    const checks: CombinationCheck[] = [];
    for (const seed of [1, 2, 3, 4]) {
      const policies = PolicySet.fromConfig(
        policiesFileSchema.parse({ policies: [{ name: 'logger', holdout: 0.1, exploration: { kind: 'epsilon-greedy', epsilon: 0.5 } }] }),
      );
      checks.push(...(await checkUpliftAgainstTruth({ catalog, policies, seed, rounds: 8000, by: ['trigger', 'channel'] })));
    }
    const c = coverage(checks);
    console.info(c);
    // Most of the 76 combinations are flagged "few" at 8000 decisions: 8 have enough effective conversions.
    expect(c.combinations).toBeGreaterThanOrEqual(6);
    expect(c.dr).toBeGreaterThanOrEqual(0.85);
    expect(c.ips).toBeGreaterThanOrEqual(0.75);
    expect(c.holdout).toBeGreaterThanOrEqual(0.75);
  }, 900_000);
});
