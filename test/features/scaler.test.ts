import { describe, expect, it } from 'vitest';
import { TactError } from '../../src/core/errors.js';
import { gaussian, SeededRandom, shuffle } from '../../src/core/random.js';
import { FeatureScaler } from '../../src/features/scaler.js';

const rng = new SeededRandom(20261202);

/** Order values in EUR with cents, log-normal around 30. */
const money = (n: number): number[] => Array.from({ length: n }, () => Math.round(30 * Math.exp(1.2 * gaussian(rng)) * 100) / 100);

const scaled = (values: readonly number[], index = 0): FeatureScaler => {
  const s = new FeatureScaler();
  for (const v of values) s.observe(index, v);
  return s;
};

describe('FeatureScaler', () => {
  it('reports the factor past scaled values must be multiplied by when a scale grows', () => {
    const s = new FeatureScaler(2);
    expect(s.observe(3, 4)).toBe(1); // first non-zero value: nothing to rescale
    expect(s.apply(3, 2)).toBe(0.5);
    expect(s.observe(3, -2)).toBe(1);
    expect(s.observe(3, -16)).toBe(0.25);
    expect(s.scaleOf(3)).toBe(16);
    expect(s.apply(3, 4)).toBe(0.25);
  });

  it('maps values of a never-scaled feature to their sign', () => {
    const s = new FeatureScaler();
    expect(s.apply(7, 0)).toBe(0);
    expect(s.apply(7, -30)).toBe(-1);
  });

  it('is the max-abs scale on data without outliers, whatever the order', () => {
    const pixels = Array.from({ length: 500 }, () => Math.floor(17 * rng.next()));
    const orders = money(2000);
    for (const values of [pixels, orders, [0.5, 100], [3, -7, 1e-12]]) {
      const maxAbs = Math.max(...values.map(Math.abs));
      expect(scaled(values).scaleOf(0)).toBe(maxAbs);
      expect(scaled(shuffle([...values], rng)).scaleOf(0)).toBe(maxAbs);
    }
  });

  it('leaves an in-bounds extreme value out of the scale and learns it as 0', () => {
    const values = Array.from({ length: 200 }, () => 100 * rng.next());
    const maxAbs = Math.max(...values);
    const s = scaled([...values.slice(0, 100), 1e8, ...values.slice(100)]);
    expect(s.scaleOf(0)).toBe(maxAbs);
    expect(s.learned(0, 1e8)).toBe(0);
    expect(s.learned(0, -1e8)).toBe(0);
    expect(s.learned(0, -maxAbs)).toBe(-1);
    expect(s.learned(0, maxAbs / 2)).toBe(0.5);
    // Scoring keeps its wider clip: a value beyond anything learned still reads as large.
    expect(s.apply(0, 1e8)).toBe(1e3);
  });

  it('follows the values again once outliers are a real share of them (more than 5%)', () => {
    const values = Array.from({ length: 100 }, () => 1 + rng.next());
    const s = scaled(values);
    for (let k = 0; k < 5; k++) expect(s.observe(0, 1e6)).toBe(1);
    // The sixth is more than 5% of the values: they are the feature's range now.
    expect(s.observe(0, 1e6)).toBe(Math.max(...values) / 1e6);
    expect(s.scaleOf(0)).toBe(1e6);
  });

  it('forgetting a value is the exact reverse of learning it, the factor included', () => {
    const values = money(300);
    const s = scaled(values);
    const before = s.snapshot();
    const f = s.observe(0, 5000);
    expect(s.forget(0, 5000)).toBe(1 / f);
    expect(s.snapshot()).toEqual(before);
    // An outlier, alone in its bin, leaves nothing behind.
    expect(s.observe(0, 1e8)).toBe(1);
    s.forget(0, 1e8);
    expect(s.snapshot()).toEqual(before);
    // Forgetting every value is a feature never learned.
    for (const v of values) s.forget(0, v);
    expect(s.snapshot()).toEqual(new FeatureScaler().snapshot());
  });

  it('round-trips through a snapshot, histograms included', () => {
    const s = new FeatureScaler(1);
    s.observe(0, 5);
    s.observe(9, 300);
    for (const v of money(100)) s.observe(4, v);
    s.observe(4, 1e9);
    const r = FeatureScaler.restore(JSON.parse(JSON.stringify(s.snapshot())));
    expect(r.snapshot()).toEqual(s.snapshot());
    expect(r.scaleOf(0)).toBe(5);
    expect(r.scaleOf(9)).toBe(300);
    expect(r.scaleOf(4)).toBe(s.scaleOf(4));
    expect(r.scaleOf(4)).toBeLessThan(1e9);
    // And it goes on as the original does.
    expect(r.observe(4, 2e9)).toBe(s.observe(4, 2e9));
    expect(r.snapshot()).toEqual(s.snapshot());
  });

  it('restores a snapshot written before histograms with its max-abs scales, kept as floors', () => {
    const r = FeatureScaler.restore({ scales: [0, 16, 300] });
    expect([0, 1, 2].map((i) => r.scaleOf(i))).toEqual([0, 16, 300]);
    expect(r.observe(2, 7)).toBe(1);
    expect(r.scaleOf(2)).toBe(300);
    expect(r.observe(1, 32)).toBe(0.5);
  });

  it('refuses a snapshot whose scales do not follow from its histograms', () => {
    const state = scaled([1, 2, 3]).snapshot();
    expect(() => FeatureScaler.restore({ ...state, scales: [4] })).toThrow(TactError);
    expect(() => FeatureScaler.restore({ ...state, histograms: [[0, 1]] })).toThrow(TactError);
    expect(() => FeatureScaler.restore({ scales: [3], histograms: [[13, 1, 3]] })).toThrow(TactError);
    expect(() => FeatureScaler.restore({ scales: [3], histograms: [[12, 1, 3], [12, 1, 3]] })).toThrow(TactError);
  });
});
