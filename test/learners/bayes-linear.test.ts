import { describe, expect, it } from 'vitest';
import { SeededRandom, gaussian, type Random } from '../../src/core/random.js';
import { EMPTY_FEATURES, type Features } from '../../src/domain/features.js';
import { BayesLinearLearner, DEFAULT_MAX_MODEL_BYTES, armBytes, bayesLinearConfigSchema } from '../../src/learners/bayes-linear.js';
import type { ActionRef, LearningExample } from '../../src/learners/learner.js';
import { restoreLearner } from '../../src/learners/registry.js';
import { dot, matVec, ridge } from './linalg.js';

// The fixed-noise posterior without the early floor: these tests check the ridge algebra (the floor has its own, noise-floor.test.ts).
const CONFIG = bayesLinearConfigSchema.parse({ lambda: 0.7, noise: 0.3, forgetting: 1, maxFeatures: 256, noiseFloorRewards: 0 });
const arm = (id: string): ActionRef => ({ id, features: EMPTY_FEATURES });

/** Raw values, never exactly 0 (a 0 is skipped by the vocabulary, which would change the index order). */
function randomRow(rng: Random, d: number, spread = 1): number[] {
  return Array.from({ length: d }, () => {
    const v = gaussian(rng) * spread;
    return v === 0 ? 1e-3 : v;
  });
}

function toContext(row: readonly number[]): Features {
  const numeric: Record<string, number> = {};
  row.forEach((v, i) => {
    numeric[`f${i}`] = v;
  });
  return { numeric, categorical: {} };
}

/** Bias + raw row divided by per-feature max |x| over all rows: the learner's final units. */
function scaledRows(rows: readonly number[][]): number[][] {
  const d = rows[0]!.length;
  const scale = Array.from({ length: d }, (_, j) => Math.max(...rows.map((r) => Math.abs(r[j]!))));
  return rows.map((r) => [1, ...r.map((v, j) => (scale[j]! > 0 ? v / scale[j]! : 0))]);
}

function scoreOne(learner: BayesLinearLearner, context: Features, id: string): { mean: number; width: number } {
  const out = { mean: new Float64Array(1), width: new Float64Array(1) };
  learner.score(learner.prepare(context), [arm(id)], out);
  return { mean: out.mean[0]!, width: out.width[0]! };
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i]!)));
  }
}

const rms = (v: readonly number[]): number => {
  const nz = v.filter((r) => r !== 0);
  return nz.length === 0 ? 1 : Math.sqrt(nz.reduce((a, r) => a + r * r, 0) / nz.length);
};

describe('BayesLinearLearner', () => {
  it('equals closed-form ridge regression on the scaled data (mean and width)', () => {
    const rng = new SeededRandom(11);
    const d = 6;
    const rows = Array.from({ length: 80 }, () => randomRow(rng, d, 3));
    const w = randomRow(rng, d + 1);
    const y = scaledRows(rows).map((x) => dot(x, w) + 0.1 * gaussian(rng));
    const learner = new BayesLinearLearner(CONFIG);
    rows.forEach((r, t) => learner.learn({ context: toContext(r), action: arm('a'), reward: y[t]! }));

    const ref = ridge(scaledRows(rows), y, CONFIG.lambda);
    expectClose(learner.weights('a')!, ref.theta, 1e-8);

    const probe = randomRow(rng, d, 2);
    const probeScaled = scaledRows([...rows, probe]).at(-1)!;
    // The probe must not change the scale for this comparison.
    const scaledProbe = probe.map((v, j) => v / Math.max(...rows.map((r) => Math.abs(r[j]!))));
    expect(probeScaled.length).toBe(d + 1);
    const x = [1, ...scaledProbe];
    const s = scoreOne(learner, toContext(probe), 'a');
    expect(s.mean).toBeCloseTo(dot(ref.theta, x), 8);
    // Widths are in units of the typical reward: the RMS of the non-zero rewards learned.
    expect(s.width).toBeCloseTo(CONFIG.noise * rms(y) * Math.sqrt(dot(x, matVec(ref.aInv, x))), 8);
  });

  it('rescales exactly when a feature scale grows mid-stream: ridge on the data in the final units, prior included', () => {
    const rng = new SeededRandom(12);
    const d = 5;
    // Scales grow in steps: later rows are 10x and 100x larger in some features.
    const rows = Array.from({ length: 90 }, (_, t) =>
      randomRow(rng, d).map((v, j) => v * (t < 30 ? 1 : t < 60 ? (j % 2 === 0 ? 10 : 1) : j === 1 ? 100 : 10)),
    );
    const y = rows.map(() => gaussian(rng));
    const learner = new BayesLinearLearner(CONFIG);
    rows.forEach((r, t) => learner.learn({ context: toContext(r), action: arm('a'), reward: y[t]! }));
    for (let j = 0; j < d; j++) {
      expect(learner.scaleOf(`f${j}`)).toBe(Math.max(...rows.map((r) => Math.abs(r[j]!))));
    }
    const ref = ridge(scaledRows(rows), y, CONFIG.lambda);
    expectClose(learner.weights('a')!, ref.theta, 1e-8);
  });

  it('is independent of the order examples arrive in, even when scales grow at different times', () => {
    // Replicas applying the same examples in different orders must converge;
    // this only holds because rescaling is exact for the data and the prior.
    const rng = new SeededRandom(13);
    const d = 4;
    const rows = Array.from({ length: 60 }, (_, t) => randomRow(rng, d).map((v) => (t < 20 ? v : v * 50)));
    const y = rows.map(() => gaussian(rng));
    const grown = new BayesLinearLearner(CONFIG);
    rows.forEach((r, t) => grown.learn({ context: toContext(r), action: arm('a'), reward: y[t]! }));
    const reversed = new BayesLinearLearner(CONFIG);
    for (let t = rows.length - 1; t >= 0; t--) reversed.learn({ context: toContext(rows[t]!), action: arm('a'), reward: y[t]! });
    expectClose(grown.weights('a')!, Array.from(reversed.weights('a')!), 1e-9);
    const probe = toContext(randomRow(rng, d, 20));
    expect(scoreOne(grown, probe, 'a').mean).toBeCloseTo(scoreOne(reversed, probe, 'a').mean, 9);
    expect(scoreOne(grown, probe, 'a').width).toBeCloseTo(scoreOne(reversed, probe, 'a').width, 9);
  });

  it('unlearn removes a customer exactly (Sherman-Morrison downdate)', () => {
    const rng = new SeededRandom(14);
    const d = 5;
    const ids = ['a', 'b', 'c'];
    const others: LearningExample[] = Array.from({ length: 150 }, () => ({
      context: toContext(randomRow(rng, d)),
      action: arm(ids[Math.floor(rng.next() * 3)]!),
      reward: rng.next() < 0.3 ? 1 : 0,
    }));
    // The customer's values stay within the others' range, so the scales do not depend on them.
    const customer: LearningExample[] = Array.from({ length: 12 }, (_, k) => ({
      context: toContext(randomRow(rng, d).map((v) => Math.max(-0.3, Math.min(0.3, v)))),
      action: arm(ids[k % 3]!),
      reward: k % 2,
    }));
    const everyone = new BayesLinearLearner(CONFIG);
    const never = new BayesLinearLearner(CONFIG);
    others.forEach((e, t) => {
      everyone.learn(e);
      never.learn(e);
      if (t % 10 === 5 && t / 10 < customer.length) everyone.learn(customer[Math.floor(t / 10)]!);
    });
    for (const e of customer) expect(everyone.unlearn(e)).toBe(true);
    for (let j = 0; j < d; j++) expect(everyone.scaleOf(`f${j}`)).toBe(never.scaleOf(`f${j}`));
    for (let p = 0; p < 10; p++) {
      const probe = toContext(randomRow(rng, d));
      for (const id of ids) {
        const a = scoreOne(everyone, probe, id);
        const b = scoreOne(never, probe, id);
        expect(Math.abs(a.mean - b.mean)).toBeLessThan(1e-8);
        expect(Math.abs(a.width - b.width)).toBeLessThan(1e-8);
      }
    }
  });

  it('grows arms lazily when a new feature appears: exact, as if it had been 0 before', () => {
    const rng = new SeededRandom(15);
    const early = Array.from({ length: 30 }, () => randomRow(rng, 3));
    const late = Array.from({ length: 30 }, () => randomRow(rng, 4));
    const y = [...early, ...late].map(() => gaussian(rng));
    const learner = new BayesLinearLearner(CONFIG);
    // Arm "old" only ever sees 3 features; "new" sees the 4th appear mid-stream.
    early.forEach((r, t) => {
      learner.learn({ context: toContext(r), action: arm('old'), reward: y[t]! });
      learner.learn({ context: toContext(r), action: arm('new'), reward: y[t]! });
    });
    late.forEach((r, t) => learner.learn({ context: toContext(r), action: arm('new'), reward: y[30 + t]! }));

    const padded = [...early.map((r) => [...r, 0]), ...late];
    const ref = ridge(scaledRows(padded), y, CONFIG.lambda);
    expectClose(learner.weights('new')!, ref.theta, 1e-8);

    // Scoring the smaller arm with the 4th feature present: that feature is at its prior.
    const refOld = ridge(scaledRows(early.map((r) => [...r, 0])).map((x) => x), y.slice(0, 30), CONFIG.lambda);
    const probe = randomRow(rng, 4, 0.5);
    const scales = [0, 1, 2, 3].map((j) => learner.scaleOf(`f${j}`));
    const x = [1, ...probe.map((v, j) => v / scales[j]!)];
    const s = scoreOne(learner, toContext(probe), 'old');
    expect(s.mean).toBeCloseTo(dot(refOld.theta, x), 8);
    // The learner's reward unit counts both arms' rewards: 30 seen twice, 30 once.
    expect(s.width).toBeCloseTo(CONFIG.noise * rms([...y.slice(0, 30), ...y]) * Math.sqrt(dot(x, matVec(refOld.aInv, x))), 8);
  });

  it('scores an unknown arm at the prior: mean 0, width noise * |x| / sqrt(lambda)', () => {
    const learner = new BayesLinearLearner(CONFIG);
    learner.learn({ context: toContext([4, -2]), action: arm('a'), reward: 1 });
    const s = scoreOne(learner, toContext([2, 2]), 'zzz');
    expect(s.mean).toBe(0);
    expect(s.width).toBeCloseTo(CONFIG.noise * Math.sqrt((1 + 0.25 + 1) / CONFIG.lambda), 12);
  });

  it('skips features never seen while learning', () => {
    const learner = new BayesLinearLearner(CONFIG);
    learner.learn({ context: toContext([1, 1]), action: arm('a'), reward: 1 });
    const withUnseen: Features = { numeric: { f0: 1, f1: 1, brandNew: 1e6 }, categorical: { tier: 'gold' } };
    expect(scoreOne(learner, withUnseen, 'a')).toEqual(scoreOne(learner, toContext([1, 1]), 'a'));
    expect(learner.dimension).toBe(3);
  });

  it('a previousReward correction moves the target without counting a second observation', () => {
    const ctx = toContext([1, 2, -1]);
    const corrected = new BayesLinearLearner(CONFIG);
    corrected.learn({ context: ctx, action: arm('a'), reward: 0 });
    corrected.learn({ context: ctx, action: arm('a'), reward: 5, previousReward: 0 });
    const direct = new BayesLinearLearner(CONFIG);
    direct.learn({ context: ctx, action: arm('a'), reward: 5 });
    expectClose(corrected.weights('a')!, Array.from(direct.weights('a')!), 1e-12);
    expect(scoreOne(corrected, ctx, 'a').width).toBeCloseTo(scoreOne(direct, ctx, 'a').width, 12);
  });

  it('forgetting equals exponentially weighted ridge, prior decayed alike; unlearn is refused', () => {
    const rng = new SeededRandom(16);
    const gamma = 0.9;
    const rows = Array.from({ length: 25 }, (_, t) => randomRow(rng, 3).map((v) => (t === 0 ? 5 : v)));
    const y = rows.map(() => gaussian(rng));
    const learner = new BayesLinearLearner({ ...CONFIG, forgetting: gamma });
    rows.forEach((r, t) => learner.learn({ context: toContext(r), action: arm('a'), reward: y[t]! }));
    const n = rows.length;
    // Scale is fixed by the first row (all 5), so no rescale happens.
    const ref = ridge(
      rows.map((r) => [1, ...r.map((v) => v / 5)]),
      y,
      CONFIG.lambda * gamma ** n,
      rows.map((_, t) => gamma ** (n - 1 - t)),
    );
    expectClose(learner.weights('a')!, ref.theta, 1e-7);
    expect(learner.unlearn({ context: toContext(rows[3]!), action: arm('a'), reward: y[3]! })).toBe(false);
  });

  it('snapshot survives JSON and restores an identical learner', () => {
    const rng = new SeededRandom(17);
    const learner = new BayesLinearLearner(CONFIG);
    for (let t = 0; t < 40; t++) {
      const ctx: Features = { numeric: toContext(randomRow(rng, 3, 10)).numeric, categorical: { seg: t % 2 ? 'vip' : 'new' } };
      learner.learn({ context: ctx, action: arm(String(t % 4)), reward: rng.next() });
    }
    const restored = restoreLearner(JSON.parse(JSON.stringify(learner.snapshot())));
    expect(restored.kind).toBe('bayes-linear');
    expect(restored.updates).toBe(40);
    const actions = ['0', '1', '2', '3', 'unknown'].map(arm);
    const a = { mean: new Float64Array(5), width: new Float64Array(5) };
    const b = { mean: new Float64Array(5), width: new Float64Array(5) };
    const ctx: Features = { numeric: { f0: 3, f1: -4, f2: 1 }, categorical: { seg: 'vip' } };
    learner.score(learner.prepare(ctx), actions, a);
    restored.score(restored.prepare(ctx), actions, b);
    expect(Array.from(b.mean)).toEqual(Array.from(a.mean));
    expect(Array.from(b.width)).toEqual(Array.from(a.width));
  });

  it('explains a score by its largest contributions, with feature names', () => {
    const learner = new BayesLinearLearner({ ...CONFIG, lambda: 1e-3 });
    const rng = new SeededRandom(18);
    for (let t = 0; t < 200; t++) {
      const r = randomRow(rng, 3);
      learner.learn({ context: toContext(r), action: arm('a'), reward: 3 * (r[2]! / 4) });
    }
    const top = learner.explain(learner.prepare(toContext([0.1, 0.1, 4])), arm('a'), 2);
    expect(top).toHaveLength(2);
    expect(top[0]!.feature).toBe('f2');
    expect(learner.explain(learner.prepare(toContext([1, 1, 1])), arm('nope'), 3)).toEqual([]);
  });

  it('refuses non-finite values instead of poisoning its statistics', () => {
    const learner = new BayesLinearLearner(CONFIG);
    expect(() => learner.learn({ context: { numeric: { x: Number.NaN }, categorical: {} }, action: arm('a'), reward: 1 })).toThrow(/finite/);
  });
});

describe('reward unit', () => {
  it('scales exploration widths with the size of rewards, so one default fits clicks and order values', () => {
    const clicks = new BayesLinearLearner(CONFIG);
    const orders = new BayesLinearLearner(CONFIG);
    const rng = new SeededRandom(5);
    for (let t = 0; t < 50; t++) {
      const row = randomRow(rng, 3);
      const converted = rng.next() < 0.3;
      clicks.learn({ context: toContext(row), action: arm('a'), reward: converted ? 1 : 0 });
      orders.learn({ context: toContext(row), action: arm('a'), reward: converted ? 80 : 0 });
    }
    const probe = toContext(randomRow(rng, 3));
    const c = scoreOne(clicks, probe, 'a');
    const o = scoreOne(orders, probe, 'a');
    expect(o.mean).toBeCloseTo(80 * c.mean, 8);
    expect(o.width).toBeCloseTo(80 * c.width, 8);
  });

  it('unlearning restores the reward unit exactly', () => {
    const learner = new BayesLinearLearner(CONFIG);
    const never = new BayesLinearLearner(CONFIG);
    const rng = new SeededRandom(6);
    const rows = Array.from({ length: 20 }, () => randomRow(rng, 3));
    rows.forEach((r, t) => {
      const ex = { context: toContext(r), action: arm('a'), reward: t % 3 === 0 ? 5 : 0 };
      learner.learn(ex);
      if (t < 15) never.learn(ex);
    });
    // Forget the last five, newest first, including a "sum" correction on one of them.
    learner.learn({ context: toContext(rows[18]!), action: arm('a'), reward: 9, previousReward: 5 });
    learner.unlearn({ context: toContext(rows[18]!), action: arm('a'), reward: 9, previousReward: 5 });
    for (let t = 19; t >= 15; t--) learner.unlearn({ context: toContext(rows[t]!), action: arm('a'), reward: t % 3 === 0 ? 5 : 0 });
    const probe = toContext(rows[3]!);
    expect(scoreOne(learner, probe, 'a').width).toBeCloseTo(scoreOne(never, probe, 'a').width, 8);
  });

  it('keeps its reward unit through a snapshot, and refuses a snapshot whose unit is corrupt with SNAPSHOT_INVALID', () => {
    const learner = new BayesLinearLearner(CONFIG);
    const rng = new SeededRandom(7);
    for (let t = 0; t < 40; t++) learner.learn({ context: toContext(randomRow(rng, 3)), action: arm('a'), reward: t % 10 === 0 ? 1e6 : t % 2 });
    const snapshot = JSON.parse(JSON.stringify(learner.snapshot())) as ReturnType<typeof learner.snapshot>;
    const probe = toContext(randomRow(rng, 3));
    expect(scoreOne(BayesLinearLearner.restore(snapshot), probe, 'a')).toEqual(scoreOne(learner, probe, 'a'));
    const state = snapshot.state as { rewardScale: { bins: Array<{ sumSq: number[] }> } };
    state.rewardScale.bins[0]!.sumSq = [-1];
    expect(() => restoreLearner(snapshot)).toThrow(expect.objectContaining({ reason: 'SNAPSHOT_INVALID' }));
  });
});

describe('BayesLinearLearner per-id memory bound', () => {
  // bias + 229 features: arms large enough that a budget of 3 of them is above the schema's 1 MiB floor.
  const D = 230;
  const context = (rng: Random): Features => toContext(randomRow(rng, D - 1));
  const bounded = (ids: number): BayesLinearLearner =>
    new BayesLinearLearner({ ...CONFIG, maxModelBytes: ids * armBytes(D) });
  const teach = (l: BayesLinearLearner, id: string, rng: Random): void => l.learn({ context: context(rng), action: arm(id), reward: 1 });
  const kept = (l: BayesLinearLearner, n: number): string[] => Array.from({ length: n }, (_, i) => `a${i}`).filter((id) => l.weights(id) !== undefined);

  it('keeps at most the budget, dropping the least recently updated ids first', () => {
    const l = bounded(5);
    const rng = new SeededRandom(1);
    for (let i = 0; i < 20; i++) {
      teach(l, `a${i}`, rng);
      expect(l.modelBytes).toBeLessThanOrEqual(5 * armBytes(D));
    }
    expect(l.armCount).toBe(5);
    expect(l.droppedModels).toBe(15);
    expect(kept(l, 20)).toEqual(['a15', 'a16', 'a17', 'a18', 'a19']);
    // A dropped id scores as never seen: mean 0 and the prior's width.
    const out = { mean: new Float64Array(2), width: new Float64Array(2) };
    l.score(l.prepare(context(rng)), [arm('a0'), arm('never')], out);
    expect(out.mean[0]).toBe(0);
    expect(out.width[0]).toBe(out.width[1]);
  });

  it('an update moves an id to the most recent end; scoring does not', () => {
    const l = bounded(3);
    const rng = new SeededRandom(2);
    for (const id of ['a0', 'a1', 'a2']) teach(l, id, rng);
    l.score(l.prepare(context(rng)), [arm('a1')], { mean: new Float64Array(1), width: new Float64Array(1) });
    teach(l, 'a0', rng);
    teach(l, 'a3', rng);
    expect(kept(l, 4)).toEqual(['a0', 'a2', 'a3']);
  });

  it('a restored learner keeps the order, so replicas drop the same ids', () => {
    const l = bounded(4);
    const rng = new SeededRandom(3);
    for (const id of ['a0', 'a1', 'a2', 'a3', 'a1']) teach(l, id, rng);
    const r = restoreLearner(l.snapshot()) as BayesLinearLearner;
    expect(r.modelBytes).toBe(l.modelBytes);
    const next = new SeededRandom(4);
    const again = new SeededRandom(4);
    teach(l, 'a4', next);
    teach(r, 'a4', again);
    expect(kept(r, 5)).toEqual(kept(l, 5));
    expect(kept(r, 5)).toEqual(['a1', 'a2', 'a3', 'a4']);
  });

  it('states its bytes per id: about 677 KB at the default dimension (256 features + 32 overflow + bias)', () => {
    expect(armBytes(290)).toBe(8 * (290 * 290 + 2 * 290) + 160);
    expect(Math.floor(DEFAULT_MAX_MODEL_BYTES / armBytes(290))).toBe(396);
  });
});
