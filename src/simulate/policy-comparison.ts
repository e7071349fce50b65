import type { Catalog } from '../catalog/catalog.js';
import { createLearner } from '../learners/registry.js';
import { policyConfigSchema, type PoliciesFile } from '../policies/policy-config.js';
import { Policy, PolicySet } from '../policies/policy-set.js';
import { compareWithBaselines, type Comparison, type SimulationResult } from './runner.js';
import { rulesOracleService, tactService } from './tact-service.js';
import { MarketingWorld } from './world.js';

/**
 * Uniform choice among what the rules leave: what learning must beat. Its
 * learner does not change its choices; the per-action one is the cheapest.
 */
export const UNIFORM = policyConfigSchema.parse({
  name: 'uniform',
  learner: { kind: 'bayes-linear' },
  exploration: { kind: 'epsilon-greedy', epsilon: 1 },
});

/** A fresh set holding only the uniform policy. */
export function uniformPolicySet(): PolicySet {
  return new PolicySet([new Policy(UNIFORM, createLearner(UNIFORM.learner))]);
}

export interface PolicyComparisonOptions {
  readonly catalog: Catalog;
  readonly policies: PoliciesFile;
  /** Policies of the file to run, each in its own fresh world. */
  readonly names: readonly string[];
  /** World seed; the event stream uses seed + 1. */
  readonly seed: number;
  readonly rounds: number;
  /** Default 500. */
  readonly customers?: number;
}

export interface PolicyComparison {
  readonly comparison: Comparison;
  /** One result per name, in order. */
  readonly policies: readonly SimulationResult[];
  /** Uniform choice under the same rules: the fair floor. */
  readonly uniform: SimulationResult;
  /** The oracle under the same rules: the fair ceiling. */
  readonly ceiling: SimulationResult;
}

/**
 * Tact's policies in the simulated world next to the fair floor and ceiling
 * (uniform choice and the oracle, both under the same contact rules) and the
 * rule-free baselines (random, no-send, oracle), all on the same stream.
 */
export async function comparePolicies(o: PolicyComparisonOptions): Promise<PolicyComparison> {
  const { seed } = o;
  const comparison = await compareWithBaselines({
    makeWorld: () => new MarketingWorld(o.catalog, { seed, customers: o.customers ?? 500 }),
    services: [
      ...o.names.map((name) => (world: MarketingWorld) => tactService(world, { policy: name, policies: PolicySet.fromConfig(o.policies), seed })),
      (world) => tactService(world, { name: 'uniform (rules)', policies: uniformPolicySet(), seed }),
      (world) => rulesOracleService(world, { seed }),
    ],
    rounds: o.rounds,
    seed: seed + 1,
  });
  const n = o.names.length;
  return {
    comparison,
    policies: comparison.results.slice(0, n),
    uniform: comparison.results[n]!,
    ceiling: comparison.results[n + 1]!,
  };
}
