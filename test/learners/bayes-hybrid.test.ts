import { describe, expect, it } from 'vitest';
import { gaussian, SeededRandom } from '../../src/core/random.js';
import type { Features } from '../../src/domain/features.js';
import { BayesHybridLearner } from '../../src/learners/bayes-hybrid.js';
import { BayesLinearLearner } from '../../src/learners/bayes-linear.js';
import { BayesSharedLearner } from '../../src/learners/bayes-shared.js';
import type { ActionRef, Learner, LearningExample } from '../../src/learners/learner.js';
import { createLearner, learnerConfigSchema, restoreLearner } from '../../src/learners/registry.js';

const CONFIG = learnerConfigSchema.parse({ kind: 'bayes-hybrid' });
if (CONFIG.kind !== 'bayes-hybrid') throw new Error('unreachable');

/** Catalog-like candidates (features) and a no-send known only by its id. */
const ACTIONS: ActionRef[] = [
  ...['email', 'sms'].flatMap((channel) =>
    ['shoes', 'coats'].map((category) => ({ id: `${category}:${channel}`, features: { numeric: { discount: 0.1 }, categorical: { channel, category } } })),
  ),
  { id: 'no_send', features: { numeric: {}, categorical: {} } },
];

function context(rng: SeededRandom): Features {
  return { numeric: { basket: 200 * rng.next() }, categorical: { prefers: rng.next() < 0.5 ? 'sms' : 'email' } };
}

/** Reward: sms for those who prefer it, and no-send is worth a little. */
function examples(n: number, seed: number): LearningExample[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => {
    const ctx = context(rng);
    const action = ACTIONS[Math.floor(rng.next() * ACTIONS.length)]!;
    const channel = action.features.categorical.channel;
    const reward = action.id === 'no_send' ? 0.3 : channel === ctx.categorical.prefers ? 1 : 0;
    return { context: ctx, action, reward: reward + 0.1 * gaussian(rng) };
  });
}

function score(learner: Learner, ctx: Features, actions: readonly ActionRef[] = ACTIONS) {
  const mean = new Float64Array(actions.length);
  const width = new Float64Array(actions.length);
  learner.score(learner.prepare(ctx), actions, { mean, width });
  return { mean, width };
}

describe('BayesHybridLearner', () => {
  it('scores each candidate exactly as the model of its kind would, in one call', () => {
    const hybrid = new BayesHybridLearner(CONFIG);
    const linear = new BayesLinearLearner({ ...CONFIG });
    const shared = new BayesSharedLearner({ ...CONFIG, lambda: CONFIG.sharedLambda, idInteractions: 'never', idFeature: 'auto', maxFeatures: CONFIG.sharedMaxFeatures });
    for (const e of examples(300, 1)) {
      hybrid.learn(e);
      (e.action.id === 'no_send' ? linear : shared).learn(e);
    }
    expect(hybrid.updates).toBe(300);
    const probe = context(new SeededRandom(9));
    const h = score(hybrid, probe);
    const features = ACTIONS.slice(0, 4);
    const s = score(shared, probe, features);
    const l = score(linear, probe, ACTIONS.slice(4));
    for (let k = 0; k < 4; k++) {
      expect(h.mean[k]).toBe(s.mean[k]);
      expect(h.width[k]).toBe(s.width[k]);
    }
    expect(h.mean[4]).toBe(l.mean[0]);
    expect(h.width[4]).toBe(l.width[0]);
    // It learned: sms for an sms customer beats email, no-send sits near its 0.3.
    const smsFan = score(hybrid, { numeric: { basket: 100 }, categorical: { prefers: 'sms' } });
    expect(smsFan.mean[2]! - smsFan.mean[0]!).toBeGreaterThan(0.5);
    expect(smsFan.mean[4]).toBeCloseTo(0.3, 1);
  });

  it('generalises to a catalog action never tried, through its features', () => {
    const hybrid = createLearner({ kind: 'bayes-hybrid' });
    // "coats:sms" is never learned; "shoes:sms" and the email actions are.
    for (const e of examples(400, 2)) if (e.action.id !== 'coats:sms') hybrid.learn(e);
    const s = score(hybrid, { numeric: { basket: 100 }, categorical: { prefers: 'sms' } });
    expect(s.mean[3]).toBeGreaterThan(0.6);
    expect(s.mean[3]! - s.mean[1]!).toBeGreaterThan(0.5);
  });

  it('unlearns exactly and restores from a snapshot', () => {
    // The largest basket comes first, so the scales (aggregate state) do not hang on the forgotten part.
    const all = [{ context: { numeric: { basket: 200 }, categorical: { prefers: 'sms' } }, action: ACTIONS[0]!, reward: 1 }, ...examples(120, 3)];
    const a = createLearner({ kind: 'bayes-hybrid' });
    const never = createLearner({ kind: 'bayes-hybrid' });
    all.forEach((e) => a.learn(e));
    all.slice(0, 81).forEach((e) => never.learn(e));
    for (const e of all.slice(81).reverse()) expect(a.unlearn(e)).toBe(true);
    const probe = context(new SeededRandom(10));
    const sa = score(a, probe);
    const sn = score(never, probe);
    for (let k = 0; k < ACTIONS.length; k++) {
      expect(sa.mean[k]).toBeCloseTo(sn.mean[k]!, 8);
      expect(sa.width[k]).toBeCloseTo(sn.width[k]!, 8);
    }
    const restored = restoreLearner(JSON.parse(JSON.stringify(a.snapshot())));
    expect(restored.kind).toBe('bayes-hybrid');
    const sr = score(restored, probe);
    for (let k = 0; k < ACTIONS.length; k++) {
      expect(sr.mean[k]).toBe(sa.mean[k]);
      expect(sr.width[k]).toBe(sa.width[k]);
    }
  });
});
