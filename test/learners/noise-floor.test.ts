import { describe, expect, it } from 'vitest';
import { SeededRandom, gaussian } from '../../src/core/random.js';
import { EMPTY_FEATURES, type Features } from '../../src/domain/features.js';
import { BayesLinearLearner, type BayesLinearConfigInput } from '../../src/learners/bayes-linear.js';
import { ExactSum } from '../../src/learners/exact-sum.js';
import type { ActionRef, LearningExample } from '../../src/learners/learner.js';
import { dot, ridge } from './linalg.js';

const a: ActionRef = { id: 'a', features: EMPTY_FEATURES };

function rows(n: number, seed: number): number[][] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => [gaussian(rng) || 1e-3, gaussian(rng) || 1e-3, gaussian(rng) || 1e-3]);
}

const context = (r: readonly number[]): Features => ({ numeric: Object.fromEntries(r.map((v, i) => [`f${i}`, v])), categorical: {} });

function width(l: BayesLinearLearner, r: readonly number[]): number {
  const out = { mean: new Float64Array(1), width: new Float64Array(1) };
  l.score(l.prepare(context(r)), [a], out);
  return out.width[0]!;
}

/** The same examples into a learner with the given config and one without floor: width ratio at a probe = the floor's noise / `noise`. */
function pair(config: BayesLinearConfigInput, examples: readonly LearningExample[]): [BayesLinearLearner, BayesLinearLearner] {
  const floor = new BayesLinearLearner(config);
  const plain = new BayesLinearLearner({ ...config, noiseFloorRewards: 0, noiseEstimate: 'fixed' });
  for (const e of examples) {
    floor.learn(e);
    plain.learn(e);
  }
  return [floor, plain];
}

const probe = [0.3, -0.2, 0.5];

describe('the early noise floor (noiseFloorRewards)', () => {
  it('holds an arm that has seen only zeros at noisePrior, then fades with its non-zero rewards counted in reward units', () => {
    const xs = rows(40, 3);
    const zeros = xs.slice(0, 20).map((r) => ({ context: context(r), action: a, reward: 0 }));
    const [f0, p0] = pair({ noise: 0.25 }, zeros);
    // Default noisePrior 0.5 over noise 0.25: twice as wide while no reward has been seen.
    expect(width(f0, probe) / width(p0, probe)).toBeCloseTo(2, 12);
    // Six rewards of 3 (the unit is then 3): m = 6, so 0.5 * sqrt(10 / 16) over 0.25.
    const some = [...zeros, ...xs.slice(20, 26).map((r) => ({ context: context(r), action: a, reward: 3 }))];
    const [f1, p1] = pair({ noise: 0.25 }, some);
    expect(width(f1, probe) / width(p1, probe)).toBeCloseTo((0.5 * Math.sqrt(10 / 16)) / 0.25, 12);
    // Past m = 30 the floor is below the fixed noise and no longer counts.
    const many = [...some, ...xs.slice(26, 40).map((r) => ({ context: context(r), action: a, reward: 3 })), ...xs.slice(0, 20).map((r) => ({ context: context(r), action: a, reward: 3 }))];
    const [f2, p2] = pair({ noise: 0.25 }, many);
    expect(width(f2, probe) / width(p2, probe)).toBeCloseTo(1, 12);
  });

  it('gives an unseen arm noisePrior', () => {
    const [f, p] = pair({ noise: 0.25 }, [{ context: context([1, 2, 3]), action: { id: 'b', features: EMPTY_FEATURES }, reward: 1 }]);
    expect(width(f, probe) / width(p, probe)).toBeCloseTo(2, 12);
  });

  it('unlearning takes an example back out of the reward sums exactly, and the width with it', () => {
    const xs = rows(30, 5);
    const ex = xs.map((r, t): LearningExample => ({ context: context(r), action: a, reward: t % 4 === 0 ? 0.7 + t / 100 : 0 }));
    const without = new BayesLinearLearner({});
    for (const e of ex.slice(0, 24)) without.learn(e);
    const withThem = new BayesLinearLearner({});
    for (const e of ex) withThem.learn(e);
    for (const e of ex.slice(24).reverse()) expect(withThem.unlearn(e)).toBe(true);
    const sumOf = (l: BayesLinearLearner): number => {
      const s = new ExactSum();
      const arms = (l.snapshot().state as { arms: Array<{ rewardSq: number[] }> }).arms;
      for (const t of arms[0]!.rewardSq) s.add(t);
      return s.value;
    };
    expect(sumOf(withThem)).toBe(sumOf(without));
    expect(width(withThem, probe)).toBeCloseTo(width(without, probe), 10);
  });

  it('a restored learner keeps the reward sums, so it scores exactly as the one saved', () => {
    const xs = rows(12, 9);
    const l = new BayesLinearLearner({});
    xs.forEach((r, t) => l.learn({ context: context(r), action: a, reward: t % 3 === 0 ? 1 : 0 }));
    const restored = BayesLinearLearner.restore(JSON.parse(JSON.stringify(l.snapshot())) as ReturnType<BayesLinearLearner['snapshot']>);
    expect(width(restored, probe)).toBe(width(l, probe));
  });

  it("'residuals' is the conjugate estimate (n0 s0^2 + RSS) / (n0 + n - p), RSS and p from closed-form ridge", () => {
    const xs = rows(60, 7);
    const rng = new SeededRandom(8);
    const y = xs.map((r) => (r[0]! - r[2]! + 0.4 * gaussian(rng) > 0 ? 1 : 0));
    const ex = xs.map((r, t): LearningExample => ({ context: context(r), action: a, reward: y[t]! }));
    const [f, p] = pair({ noise: 0.3, lambda: 0.7, noiseEstimate: 'residuals', noiseFloorRewards: 0 }, ex);
    // Reference in the learner's final units: bias + features over their max |x|.
    const scale = [0, 1, 2].map((j) => Math.max(...xs.map((r) => Math.abs(r[j]!))));
    const X = xs.map((r) => [1, ...r.map((v, j) => v / scale[j]!)]);
    const ref = ridge(X, y, 0.7);
    const rss = X.reduce((s, x, t) => s + (y[t]! - dot(ref.theta, x)) ** 2, 0) + 0.7 * dot(ref.theta, ref.theta);
    const spent = 4 - 0.7 * ref.aInv.reduce((s, row, i) => s + row[i]!, 0);
    const sd = Math.sqrt((5 * 0.25 + rss) / (5 + 60 - spent));
    expect(width(f, probe) / width(p, probe)).toBeCloseTo(sd / 0.3, 8);
  });
});
