import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { EMPTY_FEATURES, features } from '../../src/domain/features.js';
import type { ActionRef } from '../../src/learners/learner.js';
import { restoreLearner } from '../../src/learners/registry.js';
import { SgdRegressionLearner } from '../../src/learners/sgd-regression.js';

const arms: ActionRef[] = ['a', 'b'].map((id) => ({ id, features: EMPTY_FEATURES }));

/** Reward depends on the context through a different raw-unit slope per action. */
function target(x: number, action: number): number {
  return action === 0 ? 0.002 * x : 1 - 0.002 * x;
}

function squaredError(learner: SgdRegressionLearner, rng: SeededRandom, n: number): number {
  const out = { mean: new Float64Array(2), width: new Float64Array(2) };
  let err = 0;
  for (let t = 0; t < n; t++) {
    const x = rng.next() * 500;
    learner.score(learner.prepare(features({ spend: x })), arms, out);
    err += (out.mean[0]! - target(x, 0)) ** 2 + (out.mean[1]! - target(x, 1)) ** 2;
    expect(out.width[0]).toBe(0);
  }
  return err / n;
}

describe('SgdRegressionLearner', () => {
  it('learns per-action linear rewards from raw, unscaled values', () => {
    const learner = new SgdRegressionLearner({ bits: 16, learningRate: 2, l2: 0 });
    const rng = new SeededRandom(1);
    const before = squaredError(learner, new SeededRandom(2), 200);
    for (let t = 0; t < 3000; t++) {
      const x = rng.next() * 500;
      const a = t % 2;
      learner.learn({ context: features({ spend: x }), action: arms[a]!, reward: target(x, a) });
    }
    const after = squaredError(learner, new SeededRandom(2), 200);
    expect(after).toBeLessThan(before / 20);
    expect(after).toBeLessThan(0.01);
  });

  it('cannot unlearn, explains with feature names and round-trips a snapshot', () => {
    const learner = new SgdRegressionLearner({ bits: 12, learningRate: 1, l2: 0 });
    for (let t = 0; t < 50; t++) {
      learner.learn({ context: features({ x: t % 7 }, { seg: 'vip' }), action: arms[t % 2]!, reward: t % 3 });
    }
    expect(learner.unlearn({ context: features({ x: 1 }), action: arms[0]!, reward: 1 })).toBe(false);
    const prepared = learner.prepare(features({ x: 3 }, { seg: 'vip' }));
    // Every hashed feature of (context, action a) by name, each once; they add up to the score.
    const all = learner.explain(prepared, arms[0]!, 100);
    expect(all.map((c) => c.feature).sort()).toEqual(['(bias)', 'action=a', 'seg=vip', 'seg=vip*action=a', 'x', 'x*action=a']);
    const scored = { mean: new Float64Array(2), width: new Float64Array(2) };
    learner.score(prepared, arms, scored);
    expect(all.reduce((s, c) => s + c.contribution, 0)).toBeCloseTo(scored.mean[0]!, 12);
    // Names sit on their own contributions: seg=vip was in every example, so its weight moved exactly
    // like the bias's, and seg=vip*action=a like action=a's; x's differ.
    const by = new Map(all.map((c) => [c.feature, c.contribution]));
    expect(by.get('seg=vip')).toBe(by.get('(bias)'));
    expect(by.get('seg=vip*action=a')).toBe(by.get('action=a'));
    expect(by.get('x')).not.toBe(by.get('x*action=a'));
    // The top 3 are the largest in absolute value, largest first.
    const top = learner.explain(prepared, arms[0]!, 3);
    const magnitudes = all.map((c) => Math.abs(c.contribution)).sort((p, q) => q - p);
    expect(top.map((c) => Math.abs(c.contribution))).toEqual(magnitudes.slice(0, 3));

    const restored = restoreLearner(JSON.parse(JSON.stringify(learner.snapshot())));
    expect(restored.updates).toBe(50);
    const a = { mean: new Float64Array(2), width: new Float64Array(2) };
    const b = { mean: new Float64Array(2), width: new Float64Array(2) };
    learner.score(prepared, arms, a);
    restored.score(restored.prepare(features({ x: 3 }, { seg: 'vip' })), arms, b);
    expect(Array.from(b.mean)).toEqual(Array.from(a.mean));
  });
});
