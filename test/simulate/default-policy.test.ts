import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { parsePolicies } from '../../src/policies/load-policies.js';
import { PolicySet } from '../../src/policies/policy-set.js';
import { compareWithBaselines, formatComparison, type SimulationResult } from '../../src/simulate/runner.js';
import { rulesOracleService, tactService } from '../../src/simulate/tact-service.js';
import { MarketingWorld } from '../../src/simulate/world.js';

const SAMPLE = new URL('../../models/catalog.yaml', import.meta.url).pathname;
const ROUNDS = 20_000;

/**
 * The default policy, untuned, next to uniform choice under the very same
 * rules (its learner is irrelevant to its choices: bayes-linear keeps it fast).
 */
const POLICIES = parsePolicies(
  [
    'policies:',
    '  - name: default',
    '  - name: uniform',
    '    learner: { kind: bayes-linear }',
    '    exploration: { kind: epsilon-greedy, epsilon: 1 }',
  ].join('\n'),
  'test',
);

/** Net value earned in the last quarter of the stream: what the policy does once it has learned. */
function lastQuarter(r: SimulationResult): number {
  const at = (round: number): number => r.curve.find((p) => p.round === round)?.net ?? NaN;
  return at(r.rounds) - at((3 * r.rounds) / 4);
}

describe('the default policy in the simulated marketing world', () => {
  it('earns far more than random choice, with the same luck', async () => {
    const catalog = await loadCatalog(SAMPLE);
    const seed = 1;
    const comparison = await compareWithBaselines({
      makeWorld: () => new MarketingWorld(catalog, { seed, customers: 500 }),
      services: [
        (w) => tactService(w, { policy: 'default', policies: PolicySet.fromConfig(POLICIES), seed }),
        (w) => tactService(w, { policy: 'uniform', policies: PolicySet.fromConfig(POLICIES), seed }),
        (w) => rulesOracleService(w, { seed }),
      ],
      rounds: ROUNDS,
      seed: seed + 1,
    });
    console.info(formatComparison(comparison));
    const [learned, uniform, ceiling] = comparison.results as [SimulationResult, SimulationResult, SimulationResult];
    const random = comparison.random;
    // Against the rule-free random sender the issue names: far more value, far fewer complaints.
    expect(learned.net).toBeGreaterThan(1.2 * random.net);
    expect(learned.complaints).toBeLessThan(0.7 * random.complaints);
    // Learning, not just the rules: more than uniform choice among the same eligible candidates,
    // overall and by a wider margin once it has learned (the last quarter of the stream).
    expect(learned.net).toBeGreaterThan(1.15 * uniform.net);
    expect(lastQuarter(learned)).toBeGreaterThan(1.3 * lastQuarter(uniform));
    expect(lastQuarter(learned)).toBeGreaterThan(1.3 * lastQuarter(random));
    // And below what a policy that knows the hidden tastes can reach under the same rules.
    expect(learned.net).toBeLessThan(ceiling.net);
  }, 240_000);
});
