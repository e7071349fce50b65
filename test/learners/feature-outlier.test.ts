import { describe, expect, it } from 'vitest';
import { gaussian, SeededRandom } from '../../src/core/random.js';
import type { Features } from '../../src/domain/features.js';
import { BayesHybridLearner } from '../../src/learners/bayes-hybrid.js';
import type { ActionRef, LearningExample } from '../../src/learners/learner.js';
import { restoreLearner } from '../../src/learners/registry.js';

/**
 * One in-bounds extreme value of a feature (a buggy or hostile client sends
 * 1e8 for a feature that is otherwise 0..100) must not make the feature
 * useless for everyone after it (issue 10). Both halves of the default
 * learner are checked: candidates known by id only (per-action bayes-linear)
 * and candidates with features (the shared model).
 */
const BY_ID: ActionRef[] = ['low', 'high'].map((id) => ({ id, features: { numeric: {}, categorical: {} } }));
const WITH_FEATURES: ActionRef[] = ['low', 'high'].map((id) => ({ id, features: { numeric: {}, categorical: { channel: id === 'low' ? 'sms' : 'email' } } }));

const OUTLIER_AT = 300;

/** Reward rises with u for "high" and falls with it for "low"; example OUTLIER_AT has u = 1e8 when `outlier`. */
function examples(actions: readonly ActionRef[], outlier: boolean): LearningExample[] {
  const rng = new SeededRandom(17);
  return Array.from({ length: 600 }, (_, t) => {
    const u = 100 * rng.next();
    const action = actions[t % 2]!;
    const mean = action.id === 'high' ? u / 100 : 1 - u / 100;
    const reward = mean + 0.1 * gaussian(rng);
    const context: Features = { numeric: { u: outlier && t === OUTLIER_AT ? 1e8 : u, other: 1 + rng.next() }, categorical: {} };
    return { context, action, reward };
  });
}

function learned(actions: readonly ActionRef[], outlier: boolean): BayesHybridLearner {
  const learner = new BayesHybridLearner({});
  for (const e of examples(actions, outlier)) learner.learn(e);
  return learner;
}

/** Mean scores of both actions at u = 10 and u = 90. */
function means(learner: BayesHybridLearner, actions: readonly ActionRef[]): number[] {
  return [10, 90].flatMap((u) => {
    const out = { mean: new Float64Array(2), width: new Float64Array(2) };
    learner.score(learner.prepare({ numeric: { u, other: 1.5 }, categorical: {} }), actions, out);
    return Array.from(out.mean);
  });
}

describe.each([
  ['per-action models', BY_ID],
  ['the shared model', WITH_FEATURES],
])('one extreme feature value (%s)', (_name, actions) => {
  it('does not crush the feature: it is learned as well as without the outlier', () => {
    const clean = means(learned(actions, false), actions);
    const attacked = means(learned(actions, true), actions);
    // The clean run learned the effect: low wins at u = 10 and high at u = 90, by about 0.8.
    expect(clean[0]! - clean[1]!).toBeGreaterThan(0.6);
    expect(clean[3]! - clean[2]!).toBeGreaterThan(0.6);
    attacked.forEach((m, i) => expect(Math.abs(m - clean[i]!)).toBeLessThan(0.05));
  });

  it('unlearning the outlier restores the scale and the model of the run without it', () => {
    const all = examples(actions, true);
    const learner = learned(actions, true);
    expect(learner.unlearn(all[OUTLIER_AT]!)).toBe(true);
    const without = new BayesHybridLearner({});
    all.forEach((e, t) => t !== OUTLIER_AT && without.learn(e));
    const scaler = (l: BayesHybridLearner) => {
      const s = l.snapshot().state as { linear: { state: { scaler: unknown } }; shared: { state: { baseScaler?: unknown; baseScales: unknown } } };
      return { linear: s.linear.state.scaler, shared: s.shared.state.baseScaler ?? s.shared.state.baseScales };
    };
    expect(scaler(learner)).toEqual(scaler(without));
    means(learner, actions).forEach((m, i) => expect(m).toBeCloseTo(means(without, actions)[i]!, 9));
  });

  it('keeps the robust scale through a snapshot: the restored learner scores and learns as the original', () => {
    const all = examples(actions, true);
    const learner = new BayesHybridLearner({});
    all.slice(0, 400).forEach((e) => learner.learn(e));
    const restored = restoreLearner(JSON.parse(JSON.stringify(learner.snapshot()))) as BayesHybridLearner;
    all.slice(400).forEach((e) => {
      learner.learn(e);
      restored.learn(e);
    });
    expect(restored.snapshot()).toEqual(learner.snapshot());
    expect(means(restored, actions)).toEqual(means(learner, actions));
  });
});
