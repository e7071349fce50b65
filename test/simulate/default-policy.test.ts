import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { DEFAULT_POLICIES } from '../../src/policies/policy-config.js';
import { comparePolicies } from '../../src/simulate/policy-comparison.js';
import { formatComparison, lastQuarterNet } from '../../src/simulate/runner.js';

const SAMPLE = new URL('../../models/catalog.yaml', import.meta.url).pathname;

describe('the default policy in the simulated marketing world', () => {
  it('earns far more than random choice, with the same luck', async () => {
    const catalog = await loadCatalog(SAMPLE);
    const { comparison, policies, uniform, ceiling } = await comparePolicies({
      catalog,
      policies: DEFAULT_POLICIES,
      names: ['default'],
      seed: 1,
      rounds: 20_000,
    });
    console.info(formatComparison(comparison));
    const learned = policies[0]!;
    const random = comparison.random;
    // Against the rule-free random sender the issue names: far more value, far fewer complaints.
    expect(learned.net).toBeGreaterThan(1.2 * random.net);
    expect(learned.complaints).toBeLessThan(0.7 * random.complaints);
    // Learning, not just the rules: more than uniform choice among the same eligible candidates,
    // overall and by a wider margin once it has learned (the last quarter of the stream).
    expect(learned.net).toBeGreaterThan(1.15 * uniform.net);
    expect(lastQuarterNet(learned)).toBeGreaterThan(1.3 * lastQuarterNet(uniform));
    expect(lastQuarterNet(learned)).toBeGreaterThan(1.3 * lastQuarterNet(random));
    // And below what a policy that knows the hidden tastes can reach under the same rules.
    expect(learned.net).toBeLessThan(ceiling.net);
  }, 240_000);
});
