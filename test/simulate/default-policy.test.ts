import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { parsePolicies } from '../../src/policies/load-policies.js';
import { PolicySet } from '../../src/policies/policy-set.js';
import { compareWithBaselines, formatComparison } from '../../src/simulate/runner.js';
import { rulesOracleService, tactService } from '../../src/simulate/tact-service.js';
import { MarketingWorld } from '../../src/simulate/world.js';

const SAMPLE = new URL('../../models/catalog.yaml', import.meta.url).pathname;

/** The default policy, untuned, next to uniform choice under the very same rules. */
const POLICIES = parsePolicies(
  'policies:\n  - name: default\n  - name: uniform\n    exploration: { kind: epsilon-greedy, epsilon: 1 }\n',
  'test',
);

describe('the default policy in the simulated marketing world', () => {
  it('earns more than random choice, with the same rules and the same luck', async () => {
    const catalog = await loadCatalog(SAMPLE);
    const seed = 1;
    const comparison = await compareWithBaselines({
      makeWorld: () => new MarketingWorld(catalog, { seed, customers: 500 }),
      services: [
        (w) => tactService(w, { policy: 'default', policies: PolicySet.fromConfig(POLICIES), seed }),
        (w) => tactService(w, { policy: 'uniform', policies: PolicySet.fromConfig(POLICIES), seed }),
        (w) => rulesOracleService(w, { seed }),
      ],
      rounds: 20_000,
      seed: seed + 1,
    });
    console.info(formatComparison(comparison));
    const [learned, uniform, ceiling] = comparison.results as [typeof comparison.random, typeof comparison.random, typeof comparison.random];
    // Learning is what separates the default from uniform choice among the same eligible candidates.
    expect(learned.net).toBeGreaterThan(1.08 * uniform.net);
    expect(learned.conversions).toBeGreaterThan(uniform.conversions);
    // Against the rule-free random baseline the issue names: more value, far fewer complaints.
    expect(learned.net).toBeGreaterThan(1.1 * comparison.random.net);
    expect(learned.complaints).toBeLessThan(0.8 * comparison.random.complaints);
    // And it stays below what a policy that knows the hidden tastes can reach under the same rules.
    expect(learned.net).toBeLessThan(ceiling.net);
  }, 120_000);
});
