/**
 * The digits stream as a contextual bandit (Bietti, Agarwal, Langford, "A
 * Contextual Bandit Bake-off"): each row is a context, the 10 classes are the
 * actions, reward 1 for the label. Shared by the learning test and the bench.
 */
import { readFileSync } from 'node:fs';
import { DIGITS_FIXTURE } from '../support/data.js';
import { gunzipSync } from 'node:zlib';
import { SeededRandom, shuffle, type Random } from '../../src/core/random.js';
import type { ExplorationConfig } from '../../src/explore/exploration.js';
import { computePmf, sampleIndex } from '../../src/explore/pmf.js';
import { EMPTY_FEATURES, type Features } from '../../src/domain/features.js';
import type { ActionRef, Learner } from '../../src/learners/learner.js';

export const DIGITS_PATH = DIGITS_FIXTURE;

export interface Digits {
  readonly contexts: readonly Features[];
  readonly labels: readonly number[];
}

let cached: Digits | undefined;

export function loadDigits(path = DIGITS_PATH): Digits {
  if (cached !== undefined && path === DIGITS_PATH) return cached;
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  const contexts: Features[] = [];
  const labels: number[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const cells = line.split(',').map(Number);
    const label = cells.pop();
    if (label === undefined || cells.length !== 64) throw new Error(`bad digits row: ${line}`);
    const numeric: Record<string, number> = {};
    cells.forEach((v, i) => {
      numeric[`p${i}`] = v;
    });
    contexts.push({ numeric, categorical: {} });
    labels.push(label);
  }
  cached = { contexts, labels };
  return cached;
}

export const DIGIT_ACTIONS: readonly ActionRef[] = Array.from({ length: 10 }, (_, i) => ({
  id: String(i),
  features: EMPTY_FEATURES,
}));

export interface StreamResult {
  /** Progressive validation: average reward over the stream. */
  readonly reward: number;
  readonly decisions: number;
  readonly seconds: number;
}

/** Row order of one shuffle, seeded. */
export function shuffledOrder(n: number, seed: number): number[] {
  return shuffle(
    Array.from({ length: n }, (_, i) => i),
    new SeededRandom(seed),
  );
}

export type Chooser = (learner: Learner, context: Features, rng: Random) => number;

/** One pass over the stream: prepare, score, explore, sample, learn. */
export function runStream(
  learner: Learner,
  exploration: ExplorationConfig,
  digits: Digits,
  order: readonly number[],
  seed: number,
): StreamResult {
  const rng = new SeededRandom(seed ^ 0x5bd1e995);
  const k = DIGIT_ACTIONS.length;
  const out = { mean: new Float64Array(k), width: new Float64Array(k) };
  const pmf = new Float64Array(k);
  let total = 0;
  const start = process.hrtime.bigint();
  for (const row of order) {
    const context = digits.contexts[row]!;
    const prepared = learner.prepare(context);
    learner.score(prepared, DIGIT_ACTIONS, out);
    computePmf(exploration, out, k, rng, pmf, learner.updates);
    const chosen = sampleIndex(pmf, k, rng);
    const reward = chosen === digits.labels[row] ? 1 : 0;
    total += reward;
    learner.learn({ context, action: DIGIT_ACTIONS[chosen]!, reward });
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { reward: total / order.length, decisions: order.length, seconds };
}
