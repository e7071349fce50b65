import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRandom, gaussian } from '../../src/core/random.js';
import type { ExplorationConfig } from '../../src/explore/exploration.js';
import { DEFAULT_EXPLORATION, argmax, computePmf, explorationConfigSchema, floorAt, sampleIndex } from '../../src/explore/pmf.js';

const CONFIGS: readonly ExplorationConfig[] = [
  { kind: 'ucb', alpha: 1, epsilon: 0.05 },
  { kind: 'ucb', alpha: 0.5, epsilon: 0 },
  { kind: 'thompson', scale: 1, samples: 64, epsilon: 0.02 },
  { kind: 'thompson', scale: 2, samples: 5, epsilon: 0 },
  { kind: 'epsilon-greedy', epsilon: 0.1 },
  { kind: 'epsilon-greedy', epsilon: 0 },
  { kind: 'softmax', lambda: 3, epsilon: 0.01 },
  { kind: 'softmax', lambda: 1e6, epsilon: 0 },
  { kind: 'squarecb', gamma: 50 },
  { kind: 'squarecb', gamma: 0 },
];

function buffers(mean: readonly number[], width: readonly number[]) {
  return { mean: Float64Array.from(mean), width: Float64Array.from(width) };
}

function pmfOf(config: ExplorationConfig, mean: readonly number[], width: readonly number[], seed = 1, updates = 0): Float64Array {
  const out = new Float64Array(mean.length);
  computePmf(config, buffers(mean, width), mean.length, new SeededRandom(seed), out, updates);
  return out;
}

/** Pearson chi-square statistic of observed counts against a PMF (cells with p = 0 must be empty). */
function chiSquare(counts: readonly number[], pmf: Float64Array, total: number): number {
  let stat = 0;
  counts.forEach((c, i) => {
    const e = pmf[i]! * total;
    if (e === 0) expect(c).toBe(0);
    else stat += (c - e) ** 2 / e;
  });
  return stat;
}

/** 99.9% quantiles of chi-square with k degrees of freedom. */
const CHI2_999 = [0, 10.83, 13.82, 16.27, 18.47, 20.52, 22.46, 24.32, 26.12, 27.88, 29.59];

describe('computePmf', () => {
  it('gives a probability distribution for every kind (property)', () => {
    const value = fc.double({ min: -1e3, max: 1e3, noNaN: true });
    fc.assert(
      fc.property(
        fc.constantFrom(...CONFIGS),
        fc.array(fc.tuple(value, fc.double({ min: 0, max: 50, noNaN: true })), { minLength: 1, maxLength: 40 }),
        fc.integer(),
        (config, cells, seed) => {
          const pmf = pmfOf(config, cells.map((c) => c[0]), cells.map((c) => c[1]), seed);
          let sum = 0;
          for (const p of pmf) {
            expect(p).toBeGreaterThanOrEqual(0);
            expect(p).toBeLessThanOrEqual(1 + 1e-12);
            sum += p;
          }
          expect(Math.abs(sum - 1)).toBeLessThan(1e-9);
          const eps = 'epsilon' in config ? config.epsilon : 0;
          for (const p of pmf) expect(p).toBeGreaterThanOrEqual(eps / cells.length - 1e-12);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('sampled choices follow the PMF for every kind (chi-square over 20,000 seeded draws)', () => {
    const mean = [0.3, 0.5, 0.45, 0.1, 0.5, -0.2];
    const width = [0.2, 0.05, 0.3, 0.6, 0.05, 0.1];
    const draws = 20_000;
    for (const config of CONFIGS) {
      const pmf = pmfOf(config, mean, width, 7);
      const rng = new SeededRandom(99);
      const counts = new Array<number>(mean.length).fill(0);
      for (let t = 0; t < draws; t++) counts[sampleIndex(pmf, mean.length, rng)]!++;
      const df = pmf.filter((p) => p > 0).length - 1;
      if (df === 0) {
        expect(counts[argmax(pmf, mean.length)]).toBe(draws);
        continue;
      }
      expect(chiSquare(counts, pmf, draws), JSON.stringify(config)).toBeLessThan(CHI2_999[df]!);
    }
  });

  it("Thompson's PMF estimates the probability that each candidate wins a posterior draw", () => {
    const mean = [0.3, 0.5, 0.45, 0.1];
    const width = [0.2, 0.05, 0.3, 0.6];
    const pmf = pmfOf({ kind: 'thompson', scale: 1, samples: 20_000, epsilon: 0 }, mean, width, 3);
    const rng = new SeededRandom(4);
    const wins = [0, 0, 0, 0];
    const n = 20_000;
    for (let t = 0; t < n; t++) {
      const draws = mean.map((m, i) => m + width[i]! * gaussian(rng));
      wins[argmax(draws, 4)]!++;
    }
    wins.forEach((w, i) => expect(Math.abs(w / n - pmf[i]!)).toBeLessThan(0.015));
  });

  it('puts the greedy mass on the optimistic candidate for UCB and on the mean for epsilon-greedy', () => {
    const mean = [0.5, 0.4, 0.1];
    const width = [0, 0.3, 0];
    const ucb = pmfOf({ kind: 'ucb', alpha: 1, epsilon: 0.3 }, mean, width);
    expect(Array.from(ucb)).toEqual([0.1, 0.8, 0.1].map((p) => expect.closeTo(p, 12)));
    const greedy = pmfOf({ kind: 'epsilon-greedy', epsilon: 0.3 }, mean, width);
    expect(greedy[0]).toBeCloseTo(0.8, 12);
  });

  it('shrinks the uniform floor as 1/t with the learner\'s updates, down to its minimum, for every kind that has one', () => {
    const floor = { epsilon: 0.01, epsilonDecay: 1000, epsilonMin: 0.001 };
    expect(floorAt(floor, 0)).toBe(0.01);
    expect(floorAt(floor, 1000)).toBeCloseTo(0.005, 15);
    expect(floorAt(floor, 3000)).toBeCloseTo(0.0025, 15);
    expect(floorAt(floor, 1e7)).toBe(0.001);
    expect(floorAt({ epsilon: 0.01 }, 1e7)).toBe(0.01);
    expect(floorAt({ ...floor, epsilonDecay: 0 }, 1e7)).toBe(0.01);
    // A minimum above epsilon does not raise the floor.
    expect(floorAt({ epsilon: 0.01, epsilonDecay: 10, epsilonMin: 0.5 }, 1e7)).toBe(0.01);
    const mean = [0.5, 0.4, 0.1, 0.2];
    const width = [0, 0, 0, 0];
    for (const config of [
      { kind: 'ucb', alpha: 1, ...floor },
      { kind: 'softmax', lambda: 1e6, ...floor },
      { kind: 'thompson', scale: 1, samples: 8, ...floor },
    ] as const) {
      const early = pmfOf(config, mean, width, 1, 0);
      const late = pmfOf(config, mean, width, 1, 3000);
      expect(early[3], config.kind).toBeCloseTo(0.01 / 4, 12);
      expect(late[3], config.kind).toBeCloseTo(0.0025 / 4, 12);
      expect(late[0], config.kind).toBeCloseTo(1 - 0.0025 + 0.0025 / 4, 12);
    }
    // Epsilon-greedy's epsilon is its exploration, not a floor: it stays.
    expect(pmfOf({ kind: 'epsilon-greedy', epsilon: 0.2 }, mean, width, 1, 1e7)[3]).toBeCloseTo(0.05, 12);
  });

  it('breaks ties by the lowest index', () => {
    expect(argmax([1, 3, 3, 2], 4)).toBe(1);
    expect(Array.from(pmfOf({ kind: 'epsilon-greedy', epsilon: 0 }, [2, 5, 5], [0, 0, 0]))).toEqual([0, 1, 0]);
    expect(Array.from(pmfOf({ kind: 'thompson', scale: 1, samples: 8, epsilon: 0 }, [5, 5], [0, 0]))).toEqual([1, 0]);
  });

  it('softmax is numerically stable for large scores', () => {
    const pmf = pmfOf({ kind: 'softmax', lambda: 10, epsilon: 0 }, [1000, 1000.1, -1e300], [0, 0, 0]);
    expect(pmf[0]).toBeCloseTo(1 / (1 + Math.E), 12);
    expect(pmf[1]).toBeCloseTo(Math.E / (1 + Math.E), 12);
    expect(pmf[2]).toBe(0);
  });

  it('squarecb weights by inverse gap and gives the rest to the best', () => {
    const pmf = pmfOf({ kind: 'squarecb', gamma: 10 }, [0.2, 0.7, 0.5], [0, 0, 0]);
    const p0 = 1 / (3 + 10 * 0.5);
    const p2 = 1 / (3 + 10 * 0.2);
    expect(pmf[0]).toBeCloseTo(p0, 12);
    expect(pmf[2]).toBeCloseTo(p2, 12);
    expect(pmf[1]).toBeCloseTo(1 - p0 - p2, 12);
  });

  it('never samples a zero-probability candidate', () => {
    const pmf = Float64Array.from([0, 0.5, 0, 0.5, 0]);
    const rng = new SeededRandom(5);
    for (let t = 0; t < 2000; t++) expect([1, 3]).toContain(sampleIndex(pmf, 5, rng));
  });
});

describe('explorationConfigSchema', () => {
  it('fills defaults for every kind and rejects nonsense', () => {
    for (const kind of ['ucb', 'thompson', 'epsilon-greedy', 'softmax', 'squarecb'] as const) {
      expect(explorationConfigSchema.parse({ kind }).kind).toBe(kind);
    }
    expect(explorationConfigSchema.parse({ kind: 'ucb' })).toEqual(DEFAULT_EXPLORATION);
    expect(explorationConfigSchema.parse({ kind: 'softmax', epsilonDecay: 0 })).toMatchObject({ epsilon: 0.01, epsilonDecay: 0 });
    expect(() => explorationConfigSchema.parse({ kind: 'ucb', epsilonDecay: -1 })).toThrow();
    expect(() => explorationConfigSchema.parse({ kind: 'ucb', epsilonMin: 1.5 })).toThrow();
    expect(() => explorationConfigSchema.parse({ kind: 'ucb', epsilon: 2 })).toThrow();
    expect(() => explorationConfigSchema.parse({ kind: 'bogus' })).toThrow();
  });
});
