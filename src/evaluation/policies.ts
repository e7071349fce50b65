import { argmaxPmf, constantPolicy, uniformPolicy, type EvaluatedPolicy, type LoggedData } from './logged-data.js';
import type { RewardModel } from './reward-model.js';
import { tactError } from '../core/errors.js';

/** What a resolver may use to build a policy: the log itself and the fitted reward model. */
export interface PolicyContext {
  readonly data: LoggedData;
  readonly rewardModel: RewardModel;
}

/**
 * Turns a `--policy SPEC` into a policy. Resolvers are tried in order; one
 * returns undefined for a spec it does not own, so policy files and saved
 * models plug in by adding a resolver ahead of or after the built-ins.
 */
export interface PolicyResolver {
  /** One line for --help, e.g. "file:PATH  a policy config". */
  readonly describe: string;
  resolve(spec: string, ctx: PolicyContext): EvaluatedPolicy | undefined | Promise<EvaluatedPolicy | undefined>;
}

/**
 * Greedy on the direct method's reward model. Note: evaluated on the log the
 * model was fitted on, its DM estimate is optimistic (the argmax picks the
 * model's own upward errors); trust IPS/DR for it.
 */
export function greedyPolicy(model: RewardModel, name = 'greedy-dm'): EvaluatedPolicy {
  let scores = new Float64Array(0);
  return {
    name,
    probabilities(round) {
      const k = round.actionIds.length;
      if (scores.length !== k) scores = new Float64Array(k);
      model.predict(round, scores);
      return argmaxPmf(scores);
    },
  };
}

/** The logging policy itself, from the full PMF a Tact log records: a sanity check (IPS ~ on-policy mean). */
export const loggingPolicy: EvaluatedPolicy = {
  name: 'logging',
  probabilities(round) {
    if (!round.loggingProbabilities) {
      throw tactError('BAD_CONFIGURATION', 'policy "logging" needs the logged PMF of every candidate (Tact logs have it, OBD does not)');
    }
    return round.loggingProbabilities;
  },
};

export const builtinPolicies: PolicyResolver = {
  describe: 'uniform | greedy-dm | logging | always:ACTION_ID',
  resolve(spec, ctx) {
    if (spec === 'uniform') return uniformPolicy;
    if (spec === 'greedy-dm') return greedyPolicy(ctx.rewardModel);
    if (spec === 'logging') return loggingPolicy;
    if (spec.startsWith('always:')) return constantPolicy(spec.slice('always:'.length));
    return undefined;
  },
};

export async function resolvePolicy(
  spec: string,
  ctx: PolicyContext,
  resolvers: readonly PolicyResolver[] = [builtinPolicies],
): Promise<EvaluatedPolicy> {
  for (const r of resolvers) {
    const policy = await r.resolve(spec, ctx);
    if (policy) return policy;
  }
  throw tactError('NOT_FOUND', `unknown policy "${spec}"; known: ${resolvers.map((r) => r.describe).join(' | ')}`);
}
