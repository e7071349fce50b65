import { describe, expect, it } from 'vitest';
import {
  computeTerms,
  evaluatePolicy,
  normalQuantile,
  quantileSorted,
} from '../../src/evaluation/estimators.js';
import { constantPolicy, uniformPolicy } from '../../src/evaluation/logged-data.js';
import { fitActionMeanModel } from '../../src/evaluation/reward-model.js';
import { logOf, round } from './helpers.js';

const AB = ['A', 'B'] as const;

/**
 * Four rounds, hand-computed below. Logging PMFs: rounds 1-2 uniform, rounds
 * 3-4 (A 0.25, B 0.75).
 */
const tiny = logOf([
  round(AB, 'A', 0.5, 1),
  round(AB, 'B', 0.5, 0),
  round(AB, 'A', 0.25, 0),
  round(AB, 'B', 0.75, 0),
]);

describe('estimators on a hand-computed log', () => {
  it('always-A with a per-action mean model without shrinkage', () => {
    // w = [2, 0, 4, 0]; q(A) = 1/2, q(B) = 0.
    const r = evaluatePolicy(tiny, constantPolicy('A'), { rewardModel: fitActionMeanModel(tiny, 0), bootstrap: 50 });
    expect(r.estimators.ips.value).toBeCloseTo(0.5, 12); // (2*1 + 4*0) / 4
    expect(r.estimators.snips.value).toBeCloseTo(1 / 3, 12); // 2 / (2 + 4)
    expect(r.estimators.dm.value).toBeCloseTo(0.5, 12); // q(A)
    // DR terms: 0.5 + 2(1 - 0.5), 0.5, 0.5 + 4(0 - 0.5), 0.5 -> (1.5 + 0.5 - 1.5 + 0.5) / 4
    expect(r.estimators.dr.value).toBeCloseTo(0.25, 12);
    expect(r.estimators.ips.ess).toBeCloseTo(36 / 20, 12); // (2 + 4)^2 / (4 + 16)
    expect(r.estimators.dm.ess).toBe(4);
    expect(r.clipped).toBe(0);
  });

  it('always-A with the default shrinkage (prior 1 towards the global mean 1/4)', () => {
    // q(A) = (1 + 1/4) / 3 = 5/12, q(B) = (0 + 1/4) / 3 = 1/12.
    const r = evaluatePolicy(tiny, constantPolicy('A'), { bootstrap: 50 });
    expect(r.estimators.dm.value).toBeCloseTo(5 / 12, 12);
    // (5/12 + 2 * 7/12) + 5/12 + (5/12 - 4 * 5/12) + 5/12 = 14/12, over 4 rounds.
    expect(r.estimators.dr.value).toBeCloseTo(7 / 24, 12);
  });

  it('uniform policy', () => {
    // w = [1, 1, 2, 2/3]
    const r = evaluatePolicy(tiny, uniformPolicy, { rewardModel: fitActionMeanModel(tiny, 0), bootstrap: 50 });
    expect(r.estimators.ips.value).toBeCloseTo(0.25, 12);
    expect(r.estimators.snips.value).toBeCloseTo(1 / (14 / 3), 12);
    expect(r.estimators.dm.value).toBeCloseTo(0.25, 12); // (1/2 + 0) / 2
    expect(r.estimators.ips.ess).toBeCloseTo(196 / 58, 12);
  });

  it('clips weights and reports how many', () => {
    const r = evaluatePolicy(tiny, constantPolicy('A'), { clip: 3, bootstrap: 50 });
    expect(r.clipped).toBe(1);
    expect(r.maxWeight).toBe(3);
    expect(r.estimators.snips.value).toBeCloseTo(2 / 5, 12); // w = [2, 0, 3, 0]
  });

  it('normal intervals: mean +- z sd / sqrt(n)', () => {
    // IPS terms [2, 0, 0, 0]: mean 0.5, sample sd 1, half-width z / 2.
    const r = evaluatePolicy(tiny, constantPolicy('A'), { interval: 'normal' });
    const half = 1.959963984540054 / 2;
    expect(r.estimators.ips.ciLow).toBeCloseTo(0.5 - half, 8);
    expect(r.estimators.ips.ciHigh).toBeCloseTo(0.5 + half, 8);
  });

  it('bootstrap intervals are seeded, contain the estimate here, and collapse on a constant log', () => {
    const a = evaluatePolicy(tiny, uniformPolicy, { bootstrap: 300, seed: 7 });
    const b = evaluatePolicy(tiny, uniformPolicy, { bootstrap: 300, seed: 7 });
    const c = evaluatePolicy(tiny, uniformPolicy, { bootstrap: 300, seed: 8 });
    expect(a.estimators).toEqual(b.estimators);
    expect(c.estimators).not.toEqual(a.estimators);
    for (const e of Object.values(a.estimators)) {
      expect(e.ciLow).toBeLessThanOrEqual(e.value + 1e-12);
      expect(e.ciHigh).toBeGreaterThanOrEqual(e.value - 1e-12);
    }
    const same = logOf(Array.from({ length: 20 }, () => round(AB, 'A', 0.5, 1)));
    const s = evaluatePolicy(same, uniformPolicy, { bootstrap: 100 });
    for (const e of Object.values(s.estimators)) {
      expect(e.ciLow).toBeCloseTo(e.value, 12);
      expect(e.ciHigh).toBeCloseTo(e.value, 12);
    }
  });

  it('refitting the model on a resample of every round once reproduces the point estimates', () => {
    // The bootstrap's per-action regrouping of DR must agree with the per-round formula.
    const t = computeTerms(tiny, uniformPolicy, fitActionMeanModel(tiny, 1));
    expect(t.refit?.actions).toBe(2);
    let dr = 0;
    for (let i = 0; i < t.n; i++) dr += t.dmValue[i]! + t.w[i]! * (t.reward[i]! - t.qLogged[i]!);
    const r = evaluatePolicy(tiny, uniformPolicy, { bootstrap: 10 });
    expect(r.estimators.dr.value).toBeCloseTo(dr / 4, 12);
  });

  it('flags tiny propensities', () => {
    const log = logOf([round(AB, 'A', 1e-6, 1), round(AB, 'B', 0.5, 0), round(AB, 'A', 0.5, 0)]);
    const r = evaluatePolicy(log, constantPolicy('A'), { bootstrap: 20 });
    expect(r.tinyPropensities).toBe(1);
    expect(r.minPropensity).toBe(1e-6);
    expect(r.estimators.ips.value).toBeCloseTo(1e6 / 3, 6);
    const clipped = evaluatePolicy(log, constantPolicy('A'), { bootstrap: 20, clip: 10 });
    expect(clipped.clipped).toBe(1);
    expect(clipped.estimators.ips.value).toBeCloseTo(10 / 3, 12);
  });

  it('rejects impossible propensities', () => {
    const log = logOf([round(AB, 'A', 0, 1)]);
    expect(() => evaluatePolicy(log, uniformPolicy)).toThrow(/propensity/);
  });
});

describe('numeric helpers', () => {
  it('normalQuantile', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 7);
  });
  it('quantileSorted interpolates', () => {
    const xs = Float64Array.from([0, 10, 20, 30]);
    expect(quantileSorted(xs, 0)).toBe(0);
    expect(quantileSorted(xs, 1)).toBe(30);
    expect(quantileSorted(xs, 0.5)).toBe(15);
  });
});
