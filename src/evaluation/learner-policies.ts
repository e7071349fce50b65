import { existsSync } from 'node:fs';
import { murmur3 } from '../core/hash.js';
import { SeededRandom } from '../core/random.js';
import type { ExplorationConfig } from '../explore/exploration.js';
import { computePmf, sampleIndex } from '../explore/pmf.js';
import type { ActionRef, Learner } from '../learners/learner.js';
import { restoreLearner } from '../learners/registry.js';
import { loadPolicies } from '../policies/load-policies.js';
import { loadModel } from '../policies/model-file.js';
import { PolicySet } from '../policies/policy-set.js';
import type { EvaluatedPolicy, LoggedRound } from './logged-data.js';
import type { PolicyResolver } from './policies.js';

/**
 * A Tact policy (learner + exploration) as an evaluated policy. Its PMF for
 * a round is what the server would compute: the learner's scores through the
 * policy's exploration.
 *
 * With `learn`, the policy replays the log in order and learns online by
 * rejection (Li et al. 2011, "unbiased offline evaluation"): it samples its
 * own action and learns from the round's logged reward only when that is the
 * logged action, so it sees the data it would have collected itself. On a
 * uniform-random log the accepted rounds are distributed exactly as on-policy
 * ones; on other logs this is an approximation (it learns a little more
 * about actions the logger favoured). Learning happens after the PMF is
 * returned, so a round's PMF never depends on its own reward and the
 * estimators stay valid. Without `learn` the learner is frozen (a saved model
 * scored as saved).
 *
 * Rewards in the log are values as reported, not net of channel costs (the
 * log does not record costs), so a replayed learner learns gross values.
 */
export function learnerPolicy(
  name: string,
  learner: Learner,
  exploration: ExplorationConfig,
  options: { learn: boolean; seed?: number },
): EvaluatedPolicy & { readonly accepted: () => number } {
  const rng = new SeededRandom(options.seed ?? murmur3(name));
  let accepted = 0;
  return {
    name,
    accepted: () => accepted,
    probabilities(round: LoggedRound) {
      const n = round.actionIds.length;
      const actions: ActionRef[] = round.actionIds.map((id, i) => ({ id, features: round.actionFeatures[i]! }));
      const mean = new Float64Array(n);
      const width = new Float64Array(n);
      const pmf = new Float64Array(n);
      learner.score(learner.prepare(round.context), actions, { mean, width });
      computePmf(exploration, { mean, width }, n, rng, pmf, learner.updates);
      if (options.learn && sampleIndex(pmf, n, rng) === round.chosen) {
        accepted++;
        learner.learn({ context: round.context, action: actions[round.chosen]!, reward: round.reward });
      }
      return pmf;
    },
  };
}

/** `models/x.model.json` (or `model:PATH`): a saved model, frozen, under its saved exploration. */
export const savedModelResolver: PolicyResolver = {
  describe: 'PATH.model.json | model:PATH (saved by tact train, scored frozen)',
  resolve(spec) {
    const file = spec.startsWith('model:') ? spec.slice('model:'.length) : spec.endsWith('.json') && existsSync(spec) ? spec : undefined;
    if (file === undefined) return undefined;
    const model = loadModel(file);
    return learnerPolicy(`${model.policy.name}(${baseName(file)})`, restoreLearner(model.learner), model.policy.exploration, { learn: false });
  },
};

/**
 * `models/policies.yaml#squarecb`: a policy from a policies file (warm-started
 * when it says so), replaying the log and learning by rejection.
 * `#name!frozen` scores without learning.
 */
export const policyFileResolver: PolicyResolver = {
  describe: 'FILE.yaml#NAME[!frozen] (a policy from a policies file, learning by replay)',
  resolve(spec) {
    const m = /^(.+\.ya?ml)#([^!]+)(!frozen)?$/.exec(spec);
    if (!m) return undefined;
    const set = PolicySet.fromConfig(loadPolicies(m[1] as string));
    const policy = set.get(m[2] as string);
    return learnerPolicy(policy.name, policy.learner, policy.config.exploration, { learn: m[3] === undefined });
  },
};

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}
