/**
 * In-process learner benchmark: digits progressive reward per learner x
 * exploration (5 seeded shuffles) next to Vowpal Wabbit's references, and
 * per-decision score+PMF latency at K candidates and d context features.
 * Run: npx tsx bench/learners-inprocess.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SeededRandom } from '../src/core/random.js';
import type { ExplorationConfig } from '../src/explore/exploration.js';
import { DEFAULT_EXPLORATION, computePmf, explorationConfigSchema } from '../src/explore/pmf.js';
import { EMPTY_FEATURES, type Features } from '../src/domain/features.js';
import type { ActionRef, Learner } from '../src/learners/learner.js';
import { DEFAULT_LEARNER, createLearner, type LearnerConfigInput } from '../src/learners/registry.js';
import { loadDigits, runStream, shuffledOrder } from '../test/learners/digits.js';

const SHUFFLES = 5;

interface Combo {
  readonly name: string;
  readonly learner: LearnerConfigInput;
  readonly exploration: ExplorationConfig;
}

const bayes: LearnerConfigInput = { kind: 'bayes-linear' };
const sgd: LearnerConfigInput = { kind: 'sgd' };
const COMBOS: readonly Combo[] = [
  { name: 'bayes-hybrid + ucb (DEFAULT)', learner: DEFAULT_LEARNER, exploration: DEFAULT_EXPLORATION },
  { name: 'bayes-linear + ucb', learner: bayes, exploration: DEFAULT_EXPLORATION },
  { name: 'bayes-linear + thompson', learner: bayes, exploration: explorationConfigSchema.parse({ kind: 'thompson' }) },
  { name: 'bayes-linear + epsilon-greedy 0.05', learner: bayes, exploration: { kind: 'epsilon-greedy', epsilon: 0.05 } },
  { name: 'bayes-linear + softmax', learner: bayes, exploration: explorationConfigSchema.parse({ kind: 'softmax' }) },
  { name: 'bayes-linear + squarecb', learner: bayes, exploration: explorationConfigSchema.parse({ kind: 'squarecb' }) },
  { name: 'sgd + epsilon-greedy 0.05', learner: sgd, exploration: { kind: 'epsilon-greedy', epsilon: 0.05 } },
  { name: 'sgd + squarecb', learner: sgd, exploration: explorationConfigSchema.parse({ kind: 'squarecb' }) },
  { name: 'sgd + softmax', learner: sgd, exploration: explorationConfigSchema.parse({ kind: 'softmax' }) },
];

const VW_REFERENCES: ReadonlyArray<[string, number]> = [
  ['VW --cb_explore_adf --epsilon 0.05', 0.504],
  ['VW --cb_explore_adf --squarecb', 0.562],
  ['VW --cb_explore_adf --cover 4 --nounif', 0.612],
  ['VW --oaa 10 (full feedback ceiling)', 0.892],
];

const fmt = (x: number, digits = 3): string => x.toFixed(digits);

function digitsTable(): string[] {
  const digits = loadDigits();
  const lines = [
    '| learner + exploration | avg reward (mean of 5) | min - max | decisions/s |',
    '| --- | --- | --- | --- |',
  ];
  for (const combo of COMBOS) {
    const rewards: number[] = [];
    let seconds = 0;
    let decisions = 0;
    for (let s = 1; s <= SHUFFLES; s++) {
      const r = runStream(createLearner(combo.learner), combo.exploration, digits, shuffledOrder(digits.labels.length, s), s);
      rewards.push(r.reward);
      seconds += r.seconds;
      decisions += r.decisions;
    }
    const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
    const line = `| ${combo.name} | ${fmt(mean)} | ${fmt(Math.min(...rewards))} - ${fmt(Math.max(...rewards))} | ${Math.round(decisions / seconds).toLocaleString('en-US')} |`;
    console.log(line);
    lines.push(line);
  }
  for (const [name, value] of VW_REFERENCES) lines.push(`| ${name} | ${fmt(value)} | reference | - |`);
  return lines;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** A learner warmed on synthetic data so every arm exists with full-size statistics. */
function warmed(config: LearnerConfigInput, k: number, d: number, rng: SeededRandom): { learner: Learner; actions: ActionRef[]; contexts: Features[] } {
  const learner = createLearner(config);
  const actions = Array.from({ length: k }, (_, i) => ({ id: `m${i}`, features: EMPTY_FEATURES }));
  const contexts = Array.from({ length: 64 }, () => {
    const numeric: Record<string, number> = {};
    for (let j = 0; j < d; j++) numeric[`f${j}`] = rng.next() * 100;
    return { numeric, categorical: {} };
  });
  // Every arm learns a few examples; the first one carries every feature, so arms have full dimension.
  for (let i = 0; i < k; i++) {
    for (let r = 0; r < 3; r++) {
      learner.learn({ context: contexts[(i + r) % contexts.length]!, action: actions[i]!, reward: rng.next() });
    }
  }
  return { learner, actions, contexts };
}

function latencyTable(): string[] {
  const lines = [
    '| learner | exploration | K | d | p50 us | p99 us | mean us |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  const cases: Array<[string, LearnerConfigInput, ExplorationConfig]> = [
    ['bayes-linear', bayes, DEFAULT_EXPLORATION],
    // The early noise floor's cost per scored arm (one square root), next to the same learner without it.
    ['bayes-linear, no noise floor', { kind: 'bayes-linear', noiseFloorRewards: 0 }, DEFAULT_EXPLORATION],
    ['bayes-linear', bayes, explorationConfigSchema.parse({ kind: 'thompson' })],
    ['sgd', sgd, explorationConfigSchema.parse({ kind: 'squarecb' })],
  ];
  for (const [name, config, exploration] of cases) {
    for (const d of [16, 64]) {
      for (const k of [20, 100, 1000]) {
        const rng = new SeededRandom(k * 1000 + d);
        const { learner, actions, contexts } = warmed(config, k, d, rng);
        const out = { mean: new Float64Array(k), width: new Float64Array(k) };
        const pmf = new Float64Array(k);
        const iterations = k >= 1000 ? 400 : 3000;
        const times: number[] = [];
        for (let it = 0; it < iterations + 200; it++) {
          const ctx = contexts[it % contexts.length]!;
          const start = process.hrtime.bigint();
          learner.score(learner.prepare(ctx), actions, out);
          computePmf(exploration, out, k, rng, pmf, learner.updates);
          const ns = Number(process.hrtime.bigint() - start);
          if (it >= 200) times.push(ns / 1000); // first 200: warm-up for the JIT
        }
        times.sort((a, b) => a - b);
        const mean = times.reduce((a, b) => a + b, 0) / times.length;
        const line = `| ${name} | ${exploration.kind} | ${k} | ${d} | ${fmt(percentile(times, 0.5), 1)} | ${fmt(percentile(times, 0.99), 1)} | ${fmt(mean, 1)} |`;
        console.log(line);
        lines.push(line);
      }
    }
  }
  return lines;
}

function main(): void {
  console.log('Digits (1,797 rows, 10 actions), progressive average reward over 5 seeded shuffles');
  const digits = digitsTable();
  console.log('\nPer-decision prepare + score + PMF (one context, K candidates, d numeric context features)');
  const latency = latencyTable();
  const header = [
    '# Learners in process',
    '',
    `Generated by \`npx tsx bench/learners-inprocess.ts\` on Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
    '',
    `Defaults: learner ${JSON.stringify(DEFAULT_LEARNER)}, exploration ${JSON.stringify(DEFAULT_EXPLORATION)}.`,
    '',
    '## Digits as a contextual bandit',
    '',
    'Bietti et al. protocol: 10 actions, reward 1 for the label, bandit feedback, progressive validation, 5 seeded shuffles.',
    'Decisions/s includes learning (prepare, score, PMF, sample, learn).',
    '',
  ];
  const body = [
    ...header,
    ...digits,
    '',
    '## Per-decision latency',
    '',
    'prepare + score + PMF for one decision, measured with process.hrtime.bigint after a JIT warm-up; every arm is warmed so its statistics have full dimension (d + 1 with the bias).',
    '',
    ...latency,
    '',
  ];
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}learners-inprocess.md`, body.join('\n'));
  console.log(`\nwritten to ${dir}learners-inprocess.md`);
}

main();
