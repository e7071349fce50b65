/**
 * The many-class streams of bench/many-class.ts and bench/self-tuning.ts
 * (the bake-off protocol: each row a context, each class an action, reward
 * 1 for the label), and the textbook learner they are compared with.
 *
 * Digits (test/fixtures, 10 classes) and seeded synthetic letter-like
 * streams (K classes, F integer features in 0..15, class means uniform in
 * [2, 13], shared Gaussian noise, rounded and clipped; one with skewed class
 * frequencies), and the public UCI streams of bench/data (LetterRecognition,
 * Satellite, Shuttle, Vowel, Vehicle, Glass; bench/public-streams.ts).
 */
import { SeededRandom, gaussian } from '../src/core/random.js';
import { EMPTY_FEATURES, type Features } from '../src/domain/features.js';
import type { ExplorationConfig } from '../src/explore/exploration.js';
import { computePmf, sampleIndex } from '../src/explore/pmf.js';
import type { ActionRef, Learner } from '../src/learners/learner.js';
import { createLearner, type LearnerConfigInput } from '../src/learners/registry.js';
import { loadDigits } from '../test/learners/digits.js';
import { DIGITS_ISSUE_FIGURES, loadPublicStream, PUBLIC_STREAMS, type IssueFigures } from './public-streams.js';

/** A stream; `id`: its name in a --streams list; `issue`: what issue 17 measured on it, when it did. */
export interface Data { x: number[][]; y: number[]; k: number; name: string; id?: string; issue?: IssueFigures }

/** Letter-like: K classes, F integer features 0..15, class means spread, shared noise. */
export function synth(name: string, k: number, f: number, n: number, seed: number, sd: number, skew = 0): Data {
  const rng = new SeededRandom(seed);
  const means = Array.from({ length: k }, () => Array.from({ length: f }, () => 2 + 11 * rng.next()));
  const weights = Array.from({ length: k }, (_, i) => Math.exp(-skew * i / k));
  const tot = weights.reduce((a, b) => a + b, 0);
  const x: number[][] = []; const y: number[] = [];
  for (let t = 0; t < n; t++) {
    let u = rng.next() * tot; let c = 0; while (u > weights[c]! && c < k - 1) { u -= weights[c]!; c++; }
    x.push(means[c]!.map((m) => Math.max(0, Math.min(15, Math.round(m + sd * gaussian(rng))))));
    y.push(c);
  }
  return { x, y, k, name };
}

export function digitsData(): Data {
  const d = loadDigits();
  return { name: 'digits', k: 10, issue: DIGITS_ISSUE_FIGURES, y: [...d.labels], x: d.contexts.map((c) => Array.from({ length: 64 }, (_, i) => c.numeric[`p${i}`] ?? 0)) };
}

const SYNTHETIC: Readonly<Record<string, () => Data>> = {
  s26: () => synth('synthetic 26 classes x 16 features, 20,000 rows', 26, 16, 20000, 11, 3.2),
  s26skew: () => synth('synthetic 26 classes x 16, skewed frequencies, 20,000 rows', 26, 16, 20000, 12, 3.2, 2),
  s20: () => synth('synthetic 20 classes x 12 features, 10,000 rows', 20, 12, 10000, 13, 2.8),
};

/** Names a --streams list may hold besides single streams. */
const GROUPS: Readonly<Record<string, readonly string[]>> = {
  all: ['digits', ...Object.keys(SYNTHETIC)],
  synthetic: Object.keys(SYNTHETIC),
  public: Object.keys(PUBLIC_STREAMS),
};

/**
 * The streams of a comma-separated list of names: digits, s26, s26skew, s20,
 * letter, satellite, shuttle, vowel, vehicle, glass, or a group (all =
 * digits and the synthetic ones, synthetic, public).
 */
export function manyClassStreams(which: string): Data[] {
  const names = which.split(',').flatMap((n) => GROUPS[n.trim()] ?? [n.trim()]);
  return [...new Set(names)].map((n) => ({ ...(n === 'digits' ? digitsData() : SYNTHETIC[n]?.() ?? loadPublicStream(n)), id: n }));
}

/** Textbook disjoint LinUCB (Li et al. 2010): alpha 0.5, ridge 1, x = features / global max, argmax ties to lowest. */
export function textbook(data: Data, order: number[], alpha = 0.5): number {
  const f = data.x[0]!.length;
  let max = 0; for (const r of data.x) for (const v of r) max = Math.max(max, Math.abs(v));
  const ainv = Array.from({ length: data.k }, () => { const m = new Float64Array(f * f); for (let i = 0; i < f; i++) m[i * f + i] = 1; return m; });
  const b = Array.from({ length: data.k }, () => new Float64Array(f));
  const u = new Float64Array(f);
  let total = 0;
  for (const row of order) {
    const x = data.x[row]!.map((v) => v / max);
    let best = -1, bestV = -Infinity;
    for (let a = 0; a < data.k; a++) {
      const m = ainv[a]!; let mean = 0, q = 0;
      for (let i = 0; i < f; i++) { let s = 0, th = 0; for (let j = 0; j < f; j++) { s += m[i * f + j]! * x[j]!; th += m[i * f + j]! * b[a]![j]!; } q += x[i]! * s; mean += x[i]! * th; }
      const v = mean + alpha * Math.sqrt(Math.max(0, q));
      if (v > bestV) { bestV = v; best = a; }
    }
    const r = best === data.y[row] ? 1 : 0; total += r;
    const m = ainv[best]!;
    for (let i = 0; i < f; i++) { let s = 0; for (let j = 0; j < f; j++) s += m[i * f + j]! * x[j]!; u[i] = s; }
    let xu = 0; for (let i = 0; i < f; i++) xu += x[i]! * u[i]!;
    for (let i = 0; i < f; i++) for (let j = 0; j < f; j++) m[i * f + j] = m[i * f + j]! - u[i]! * u[j]! / (1 + xu);
    for (let i = 0; i < f; i++) b[best]![i] = b[best]![i]! + r * x[i]!;
  }
  return total / order.length;
}

/**
 * The stream as a practitioner would prepare it for the textbook when its
 * features differ in range: each divided by its own max |value| over the
 * stream, plus a constant 1 (an intercept). On Shuttle, where one feature
 * spans -4821..5075 and the rest stay under 150, the global max squeezes the
 * others to a few hundredths (textbook 0.786 against 0.939); this
 * preparation reproduces issue 17's textbook figures on Satellite and
 * Shuttle within 0.003.
 */
export function perFeatureWithIntercept(data: Data): Data {
  const f = data.x[0]!.length;
  const max = new Float64Array(f);
  for (const r of data.x) for (let i = 0; i < f; i++) max[i] = Math.max(max[i]!, Math.abs(r[i]!));
  return { ...data, x: data.x.map((r) => [...r.map((v, i) => (max[i]! > 0 ? v / max[i]! : 0)), 1]) };
}

/** A Tact learner and exploration on the stream in `order` (actions known by id only): the average reward. */
export function tact(data: Data, order: number[], seed: number, learner: LearnerConfigInput, exploration: ExplorationConfig): number {
  const run = rounds(data, order, seed, createLearner(learner), exploration);
  let step = run.next();
  while (!step.done) step = run.next();
  return step.value;
}

/**
 * The rounds of tact() on a given learner, paused after each learn so a
 * caller can await what the learner does in the background (neural-linear's
 * training); returns the average reward.
 */
export function* rounds(data: Data, order: number[], seed: number, l: Learner, exploration: ExplorationConfig): Generator<void, number> {
  const actions: ActionRef[] = Array.from({ length: data.k }, (_, i) => ({ id: String(i), features: EMPTY_FEATURES }));
  const rng = new SeededRandom(seed ^ 0x5bd1e995);
  const out = { mean: new Float64Array(data.k), width: new Float64Array(data.k) };
  const pmf = new Float64Array(data.k);
  let total = 0;
  for (const row of order) {
    const numeric: Record<string, number> = {};
    data.x[row]!.forEach((v, i) => { numeric[`f${i}`] = v; });
    const context: Features = { numeric, categorical: {} };
    l.score(l.prepare(context), actions, out);
    computePmf(exploration, out, data.k, rng, pmf, l.updates);
    const c = sampleIndex(pmf, data.k, rng);
    const r = c === data.y[row] ? 1 : 0;
    total += r;
    l.learn({ context, action: actions[c]!, reward: r });
    yield;
  }
  return total / order.length;
}

/** "mean ± sample sd" with three decimals. */
export const meanSd = (xs: number[]): string => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return `${m.toFixed(3)} ± ${sd.toFixed(3)}`;
};
