import { describe, expect, it } from 'vitest';
import { TactError } from '../../src/core/errors.js';
import { gaussian, SeededRandom } from '../../src/core/random.js';
import { ExactSum } from '../../src/learners/exact-sum.js';
import { RewardScale, type RewardScaleState } from '../../src/learners/reward-scale.js';

const rng = new SeededRandom(20261202);

const scaleOf = (rewards: readonly number[]): RewardScale => {
  const s = new RewardScale();
  for (const r of rewards) s.update(r);
  return s;
};

/** What the unit was before the histogram: the plain RMS of the non-zero rewards, summed in arrival order. */
const plainRms = (rewards: readonly number[]): number => {
  const nz = rewards.filter((r) => r !== 0);
  return nz.length === 0 ? 1 : Math.sqrt(nz.reduce((s, r) => s + r * r, 0) / nz.length);
};

/** Each bin's count and sum of squares: the whole state, whatever partials represent the sums. */
const histogram = (s: RewardScale): Array<[number, number, number]> =>
  s.snapshot().bins!.map((b) => {
    const sum = new ExactSum();
    for (const t of b.sumSq) sum.add(t);
    return [b.bin, b.count, sum.value];
  });

const shuffled = <T>(xs: readonly T[]): T[] => {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

/** Order values in EUR with cents, log-normal around `median` (sigma 1 unless told). */
const money = (n: number, median = 30, sigma = 1): number[] =>
  Array.from({ length: n }, () => Math.round(median * Math.exp(sigma * gaussian(rng)) * 100) / 100);

/** Values with every bit of the mantissa in use, where a plain running sum loses bits at each step. */
const ragged = (n: number, median: number): number[] => Array.from({ length: n }, () => median * Math.exp(gaussian(rng)));

describe('RewardScale', () => {
  it('unlearning undoes learning bit for bit, in any order', () => {
    const kept = [...money(300), ...ragged(300, 0.3), -0.02, -0.02, 0, 1, 1e6, -3.7e5, 1e-9, 5e-324];
    const extra = [...money(300), ...ragged(300, 0.3), ...money(20, 1e5), -0.02, 0, 1e12, 1e300, -7.25];
    const alone = scaleOf(shuffled(kept));
    const both = scaleOf(shuffled([...kept, ...extra]));
    for (const r of shuffled(extra)) both.remove(r);
    expect(both.value).toBe(alone.value);
    expect(histogram(both)).toEqual(histogram(alone));
    for (const r of kept) both.remove(r);
    expect(both.value).toBe(1);
    expect(both.snapshot()).toEqual({ sumSq: 0, count: 0, bins: [] });
  });

  it('a correction (update with previous) is undone by the reverse correction', () => {
    const rewards = [...money(200), ...ragged(200, 30)];
    const s = scaleOf(rewards);
    const before = s.value;
    s.update(1e6, rewards[7]);
    s.update(rewards[7]!, 1e6);
    expect(s.value).toBe(before);
    expect(histogram(s)).toEqual(histogram(scaleOf(rewards)));
  });

  it('is exactly the RMS for 0/1 rewards and for whole-number rewards (the digits figures and decision fixture)', () => {
    const clicks = Array.from({ length: 1000 }, () => (rng.next() < 0.3 ? 1 : rng.next() < 0.1 ? -1 : 0));
    expect(scaleOf(clicks).value).toBe(plainRms(clicks));
    expect(scaleOf(clicks).value).toBe(1);
    const whole = Array.from({ length: 1000 }, () => Math.round(rng.next() * 100));
    expect(scaleOf(whole).value).toBe(plainRms(whole));
    expect(scaleOf([]).value).toBe(1);
  });

  it('is within 1e-12 of the RMS for money values without outliers, within 1% for a long (sigma 1.2) tail', () => {
    const uniform = Array.from({ length: 1000 }, () => Math.round((5 + 195 * rng.next()) * 100) / 100);
    expect(scaleOf(uniform).value / plainRms(uniform)).toBeCloseTo(1, 12);
    const tailed = money(1000, 30, 1.2);
    expect(Math.abs(scaleOf(tailed).value / plainRms(tailed) - 1)).toBeLessThan(0.01);
  });

  it('rewards net of a channel cost keep the conversions as their size when they are over 5% of the sends', () => {
    const net = (every: number) => Array.from({ length: 1000 }, (_, i) => (i % every === 0 ? 50 - 0.001 : -0.001));
    expect(Math.abs(scaleOf(shuffled(net(10))).value / plainRms(net(10)) - 1)).toBeLessThan(1e-12);
    // The price of ignoring a few percent of extreme rewards: rarer conversions that far above the cost look the same.
    expect(scaleOf(net(33)).value).toBeCloseTo(0.001, 12);
  });

  it.each([
    { name: 'clicks', ordinary: Array.from({ length: 1000 }, () => 1) },
    { name: 'order values', ordinary: money(1000) },
  ])('3% of rewards 1e3 to 1e6 times the typical one move the unit by less than 5% ($name)', ({ ordinary }) => {
    const clean = scaleOf(ordinary).value;
    for (const factor of [1e3, 1e4, 1e6]) {
      const typical = [...ordinary].sort((a, b) => a - b)[500]!;
      const outliers = Array.from({ length: 30 }, (_, i) => (i % 2 ? -1 : 1) * factor * typical);
      const attacked = scaleOf(shuffled([...ordinary, ...outliers])).value;
      expect(attacked / clean).toBeGreaterThan(1 / 1.05);
      expect(attacked / clean).toBeLessThan(1.05);
      // The plain RMS this replaces is wrecked by the same rewards.
      expect(plainRms([...ordinary, ...outliers]) / clean).toBeGreaterThan(5);
    }
  });

  it('restores a snapshot written before the histogram exactly, and unlearns its rewards from the pool', () => {
    const old = { sumSq: 1234.5, count: 17 };
    const s = RewardScale.restore(old);
    expect(s.value).toBe(Math.sqrt(1234.5 / 17));
    s.update(2);
    s.remove(2);
    expect(s.value).toBe(Math.sqrt(1234.5 / 17));
    const again = RewardScale.restore(s.snapshot());
    expect(again.value).toBe(s.value);
    again.remove(3);
    expect(again.snapshot()).toMatchObject({ count: 16, sumSq: 1234.5 - 9, pooled: { count: 16 } });
    expect(RewardScale.restore({ sumSq: 0, count: 0 }).value).toBe(1);
  });

  it('round-trips through a snapshot (JSON) exactly, and keeps the totals code before the histogram reads', () => {
    const rewards = [...money(500), 1e6, 1e6];
    const s = scaleOf(rewards);
    const state = JSON.parse(JSON.stringify(s.snapshot())) as RewardScaleState;
    expect(state.count).toBe(502);
    expect(state.sumSq / plainRms(rewards) ** 2 / 502).toBeCloseTo(1, 12);
    const back = RewardScale.restore(state);
    expect(back.value).toBe(s.value);
    for (const r of shuffled(rewards)) back.remove(r);
    expect(back.value).toBe(1);
  });

  it.each<[string, RewardScaleState]>([
    ['a non-finite term', { sumSq: 1, count: 1, bins: [{ bin: 0, count: 1, sumSq: [Infinity] }] }],
    ['a negative sum', { sumSq: 1, count: 1, bins: [{ bin: 0, count: 1, sumSq: [-1] }] }],
    ['a bin twice', { sumSq: 2, count: 2, bins: [{ bin: 0, count: 1, sumSq: [1] }, { bin: 0, count: 1, sumSq: [1] }] }],
    ['a bin out of range', { sumSq: 1, count: 1, bins: [{ bin: 1e6, count: 1, sumSq: [1] }] }],
    ['counts that disagree with the total', { sumSq: 1, count: 2, bins: [{ bin: 0, count: 1, sumSq: [1] }] }],
    ['a non-finite total', { sumSq: Infinity, count: 1 }],
  ])('a snapshot with %s is refused with SNAPSHOT_INVALID', (_name, state) => {
    expect(() => RewardScale.restore(state)).toThrow(TactError);
    expect(() => RewardScale.restore(state)).toThrow(expect.objectContaining({ reason: 'SNAPSHOT_INVALID' }));
  });
});
