import type { Learner } from '../learners/learner.js';
import { createLearner } from '../learners/registry.js';
import type { PolicyConfig } from '../policies/policy-config.js';
import type { LoggedData } from './logged-data.js';
import { fitActionMeanModel } from './reward-model.js';

export type TrainMethod = 'iw' | 'dr';

export interface TrainOptions {
  /**
   * iw: importance-weighted regression, each logged example weighted by
   * 1/propensity (clipped). dr: every candidate of every round is learned with
   * a doubly robust target q(a) + 1[a logged] (r - q(a)) / p, with q the
   * per-action mean reward model.
   */
  readonly method: TrainMethod;
  /** Largest importance weight 1/p before normalisation. @defaultValue 100 */
  readonly clip?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface TrainResult {
  readonly learner: Learner;
  readonly rounds: number;
  /** Examples the learner applied (rounds for iw, rounds x candidates for dr). */
  readonly examples: number;
  /** Weights reduced to the clip value. */
  readonly clipped: number;
  /** (sum w)^2 / sum w^2 of the importance weights used: how many rounds the fit is worth. */
  readonly ess: number;
}

/**
 * Warm-starts a policy's learner from a log, so it serves its first customer
 * knowing what the logging policy learned.
 *
 * Why weights: a log from a policy that already favoured some actions in some
 * contexts over-represents them; regression on it would fit those contexts
 * well and the others badly. Weighting each example by 1/p makes the sample
 * look like a uniformly random one. The weights are then scaled to average 1,
 * so a Bayesian learner's posterior counts as many observations as the log
 * has rounds (raw 1/p weights would make it K times overconfident on a
 * uniform log and stop it exploring when it serves).
 */
export function trainFromLog(data: LoggedData, policy: PolicyConfig, options: TrainOptions): TrainResult {
  const clip = options.clip ?? 100;
  const learner = createLearner(policy.learner);
  const n = data.rounds.length;
  const raw = new Float64Array(n);
  let clipped = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    let w = 1 / data.rounds[i]!.propensity;
    if (w > clip) {
      w = clip;
      clipped++;
    }
    raw[i] = w;
    sum += w;
    sumSq += w * w;
  }
  const scale = sum > 0 ? n / sum : 1;
  const model = options.method === 'dr' ? fitActionMeanModel(data) : undefined;
  let q = new Float64Array(0);
  let examples = 0;
  for (let i = 0; i < n; i++) {
    const round = data.rounds[i]!;
    if (model === undefined) {
      learner.learn({
        context: round.context,
        action: { id: round.actionIds[round.chosen]!, features: round.actionFeatures[round.chosen]! },
        reward: round.reward,
        weight: raw[i]! * scale,
      });
      examples++;
    } else {
      const k = round.actionIds.length;
      if (q.length < k) q = new Float64Array(k);
      model.predict(round, q);
      // Unweighted: the weight is inside the logged action's target, and every candidate gets one example per round.
      const correction = ((round.reward - q[round.chosen]!) * raw[i]! * scale);
      for (let a = 0; a < k; a++) {
        learner.learn({
          context: round.context,
          action: { id: round.actionIds[a]!, features: round.actionFeatures[a]! },
          reward: q[a]! + (a === round.chosen ? correction : 0),
        });
        examples++;
      }
    }
    if (options.onProgress && i % 1000 === 0) options.onProgress(i, n);
  }
  options.onProgress?.(n, n);
  return { learner, rounds: n, examples, clipped, ess: sumSq > 0 ? (sum * sum) / sumSq : 0 };
}
