import { z } from 'zod';
import type { Random } from '../core/random.js';
import type { ScoreBuffers } from '../learners/learner.js';
import type { ComputePmf, ExplorationConfig, UniformFloor } from './exploration.js';

/**
 * Default exploration: optimism (LinUCB) with a small uniform floor so every
 * eligible candidate keeps a non-zero propensity for offline evaluation.
 * alpha multiplies the learner's width (already noise-scaled); tuned once on
 * the digits stream together with DEFAULT_LEARNER and kept. The floor
 * shrinks from 1% to 0.1% as the learner learns (bench/results/floor-schedules.md).
 */
export const DEFAULT_EXPLORATION = { kind: 'ucb', alpha: 1, epsilon: 0.01, epsilonDecay: 1000, epsilonMin: 0.001 } as const satisfies ExplorationConfig;

const probability = z.number().min(0).max(1);
const floorDecay = z.number().nonnegative().default(DEFAULT_EXPLORATION.epsilonDecay);
const floorMin = probability.default(DEFAULT_EXPLORATION.epsilonMin);

/** The floor's mass after `updates` learner updates (see UniformFloor). */
export function floorAt(floor: UniformFloor, updates: number): number {
  const { epsilon, epsilonDecay = 0, epsilonMin = 0 } = floor;
  if (epsilonDecay <= 0 || updates <= 0) return epsilon;
  return Math.min(epsilon, Math.max(epsilonMin, (epsilon * epsilonDecay) / (epsilonDecay + updates)));
}

export const explorationConfigSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('ucb'),
    alpha: z.number().nonnegative().default(1),
    epsilon: probability.default(0.01),
    epsilonDecay: floorDecay,
    epsilonMin: floorMin,
  }),
  z.object({
    kind: z.literal('thompson'),
    scale: z.number().nonnegative().default(0.5),
    samples: z.number().int().min(1).max(10_000).default(64),
    epsilon: probability.default(0.01),
    epsilonDecay: floorDecay,
    epsilonMin: floorMin,
  }),
  z.object({ kind: z.literal('epsilon-greedy'), epsilon: probability.default(0.05) }),
  z.object({
    kind: z.literal('softmax'),
    lambda: z.number().nonnegative().default(10),
    epsilon: probability.default(0.01),
    epsilonDecay: floorDecay,
    epsilonMin: floorMin,
  }),
  z.object({ kind: z.literal('squarecb'), gamma: z.number().nonnegative().default(400) }),
]);

/** Index of the largest of the first n values; the lowest index wins ties. */
export function argmax(values: ArrayLike<number>, n: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/**
 * Sample an index from the first n entries of a PMF. Rounding can leave the
 * cumulative sum just below u, so the last candidate with positive mass is
 * the fallback: a zero-probability candidate is never chosen.
 */
export function sampleIndex(pmf: ArrayLike<number>, n: number, rng: Random, total = 1): number {
  // `total`: the weights' sum when they are not normalised, so callers need no normalised copy.
  const u = rng.next() * total;
  let acc = 0;
  let last = 0;
  for (let i = 0; i < n; i++) {
    const p = pmf[i]!;
    if (p <= 0) continue;
    acc += p;
    last = i;
    if (u < acc) return i;
  }
  return last;
}

/** (1 - epsilon) * out + epsilon / n: the uniform floor. */
function mixUniform(out: Float64Array, n: number, epsilon: number): void {
  if (epsilon <= 0) return;
  const floor = epsilon / n;
  const keep = 1 - epsilon;
  for (let i = 0; i < n; i++) out[i] = keep * out[i]! + floor;
}

function greedy(values: ArrayLike<number>, n: number, epsilon: number, out: Float64Array): void {
  out.fill(0, 0, n);
  out[argmax(values, n)] = 1;
  mixUniform(out, n, epsilon);
}

/** Scratch for optimistic scores; grows once to the largest candidate count seen. */
let optimistic = new Float64Array(64);

function ucb(scores: ScoreBuffers, n: number, alpha: number, epsilon: number, out: Float64Array): void {
  if (optimistic.length < n) optimistic = new Float64Array(Math.max(n, optimistic.length * 2));
  const { mean, width } = scores;
  for (let i = 0; i < n; i++) optimistic[i] = mean[i]! + alpha * width[i]!;
  greedy(optimistic, n, epsilon, out);
}

/**
 * Thompson's propensity is the probability each candidate is the argmax of
 * a posterior draw; it has no closed form, so it is estimated with `samples`
 * seeded draws. Sampling the choice from this estimate (rather than from one
 * more draw) makes the logged probability the true one.
 */
function thompson(scores: ScoreBuffers, n: number, scale: number, samples: number, rng: Random, out: Float64Array): void {
  out.fill(0, 0, n);
  const { mean, width } = scores;
  const weight = 1 / samples;
  let spare = 0;
  let hasSpare = false;
  for (let s = 0; s < samples; s++) {
    let best = 0;
    let bestValue = -Infinity;
    for (let i = 0; i < n; i++) {
      const w = width[i]!;
      let v = mean[i]!;
      if (w > 0) {
        // Box-Muller, both halves used: draws dominate Thompson's cost.
        let z: number;
        if (hasSpare) {
          z = spare;
          hasSpare = false;
        } else {
          let u = rng.next();
          while (u === 0) u = rng.next();
          const r = Math.sqrt(-2 * Math.log(u));
          const t = 2 * Math.PI * rng.next();
          z = r * Math.cos(t);
          spare = r * Math.sin(t);
          hasSpare = true;
        }
        v += scale * w * z;
      }
      if (v > bestValue) {
        bestValue = v;
        best = i;
      }
    }
    out[best] = out[best]! + weight;
  }
}

/** Numerically stable: exponents are taken relative to the maximum. */
function softmax(mean: Float64Array, n: number, lambda: number, out: Float64Array): void {
  const top = mean[argmax(mean, n)]!;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(lambda * (mean[i]! - top));
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < n; i++) out[i] = out[i]! / sum;
}

/** Inverse-gap weighting (Foster & Rakhlin 2020): p_a = 1 / (n + gamma * gap_a). */
function squarecb(mean: Float64Array, n: number, gamma: number, out: Float64Array): void {
  const best = argmax(mean, n);
  const top = mean[best]!;
  let rest = 0;
  for (let i = 0; i < n; i++) {
    if (i === best) continue;
    const p = 1 / (n + gamma * (top - mean[i]!));
    out[i] = p;
    rest += p;
  }
  out[best] = 1 - rest;
}

export const computePmf: ComputePmf = (config, scores, n, rng, out, updates) => {
  if (n <= 0) return;
  switch (config.kind) {
    case 'ucb':
      ucb(scores, n, config.alpha, floorAt(config, updates), out);
      return;
    case 'epsilon-greedy':
      greedy(scores.mean, n, config.epsilon, out);
      return;
    case 'thompson':
      thompson(scores, n, config.scale, config.samples, rng, out);
      mixUniform(out, n, floorAt(config, updates));
      return;
    case 'softmax':
      softmax(scores.mean, n, config.lambda, out);
      mixUniform(out, n, floorAt(config, updates));
      return;
    case 'squarecb':
      squarecb(scores.mean, n, config.gamma, out);
      return;
  }
};
