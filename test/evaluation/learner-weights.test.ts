import { describe, expect, it } from 'vitest';
import { features } from '../../src/domain/features.js';
import type { LearningExample } from '../../src/learners/learner.js';
import { BayesLinearLearner } from '../../src/learners/bayes-linear.js';
import { SgdRegressionLearner } from '../../src/learners/sgd-regression.js';

const config = { lambda: 1, noise: 0.25, forgetting: 1, maxFeatures: 64 };
const ex = (age: number, seg: string, reward: number, weight?: number): LearningExample => ({
  context: features({ age }, { seg }),
  action: { id: 'a', features: features() },
  reward,
  ...(weight === undefined ? {} : { weight }),
});

function scores(l: BayesLinearLearner | SgdRegressionLearner, age: number, seg: string): [number, number] {
  const mean = new Float64Array(1);
  const width = new Float64Array(1);
  l.score(l.prepare(features({ age }, { seg })) as never, [{ id: 'a', features: features() }], { mean, width });
  return [mean[0]!, width[0]!];
}

describe('importance weights in learners', () => {
  it('bayes-linear: weight 3 is exactly three copies of the example (A += w x x\', b += w r x)', () => {
    const weighted = new BayesLinearLearner(config);
    const copies = new BayesLinearLearner(config);
    // Rewards 0/1: the learner's reward unit (RMS of non-zero rewards) is then 1 either way.
    const data: Array<[number, string, number, number]> = [[30, 'x', 1, 3], [50, 'y', 0, 1], [40, 'x', 1, 2], [60, 'z', 0, 2]];
    for (const [age, seg, r, w] of data) {
      weighted.learn(ex(age, seg, r, w));
      for (let i = 0; i < w; i++) copies.learn(ex(age, seg, r));
    }
    for (const [age, seg] of [[35, 'x'], [45, 'y'], [20, 'z']] as const) {
      const [m1, w1] = scores(weighted, age, seg);
      const [m2, w2] = scores(copies, age, seg);
      expect(m1).toBeCloseTo(m2, 10);
      expect(w1).toBeCloseTo(w2, 10);
    }
  });

  it('bayes-linear: weight 0 leaves the posterior unchanged, and a weighted example unlearns exactly', () => {
    const l = new BayesLinearLearner(config);
    l.learn(ex(30, 'x', 1));
    const before = scores(l, 30, 'x');
    l.learn(ex(30, 'x', 1, 0));
    expect(scores(l, 30, 'x')[0]).toBeCloseTo(before[0], 12);
    expect(scores(l, 30, 'x')[1]).toBeCloseTo(before[1], 12);
    l.learn(ex(30, 'x', 1, 2.5));
    expect(l.unlearn(ex(30, 'x', 1, 2.5))).toBe(true);
    const after = scores(l, 30, 'x');
    expect(after[0]).toBeCloseTo(before[0], 10);
    expect(after[1]).toBeCloseTo(before[1], 10);
  });

  it('refuses negative or non-finite weights', () => {
    expect(() => new BayesLinearLearner(config).learn(ex(1, 'x', 1, -1))).toThrow(/weight/);
    expect(() => new SgdRegressionLearner({ bits: 10, learningRate: 2, l2: 0 }).learn(ex(1, 'x', 1, Number.NaN))).toThrow(/weight/);
  });

  it('sgd: weight 0 does not move; a larger weight moves further but never past the target', () => {
    const base = () => {
      const l = new SgdRegressionLearner({ bits: 12, learningRate: 0.05, l2: 0 });
      for (let i = 0; i < 20; i++) l.learn(ex(30 + i, 'x', 0.2));
      return l;
    };
    const start = scores(base(), 30, 'x')[0];
    const zero = base();
    zero.learn(ex(30, 'x', 1, 0));
    expect(scores(zero, 30, 'x')[0]).toBeCloseTo(start, 12);
    const one = base();
    one.learn(ex(30, 'x', 1, 1));
    const big = base();
    big.learn(ex(30, 'x', 1, 1000));
    const m1 = scores(one, 30, 'x')[0];
    const mBig = scores(big, 30, 'x')[0];
    expect(m1).toBeGreaterThan(start);
    expect(mBig).toBeGreaterThan(m1);
    expect(mBig).toBeLessThanOrEqual(1 + 1e-9);
  });
});
