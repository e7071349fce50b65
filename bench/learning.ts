/**
 * Learning benchmark: each learner x exploration on the digits stream (5
 * seeded shuffles, next to Vowpal Wabbit's references) and in the simulated
 * marketing world through the real engine (value as a share of the oracle's,
 * and of the random-to-oracle gap). One table; written to
 * bench/results/learning.md.
 *
 * Neural-linear trains on its worker thread; here each training job is
 * awaited where the learner scheduled it, as if training kept up with
 * traffic, so runs are reproducible and the network is as fresh as the
 * schedule allows. Decisions/s counts only the request path (prepare, score,
 * explore, learn), not the waits.
 *
 * Run: npx tsx bench/learning.ts [--rounds N]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseCatalog } from '../src/catalog/load.js';
import { MODELS_DIR } from '../src/core/paths.js';
import { SeededRandom } from '../src/core/random.js';
import type { ExplorationConfig } from '../src/explore/exploration.js';
import { DEFAULT_EXPLORATION, computePmf, explorationConfigSchema, sampleIndex } from '../src/explore/pmf.js';
import type { Learner } from '../src/learners/learner.js';
import { NeuralLinearLearner } from '../src/learners/neural-linear/neural-linear.js';
import { createLearner, type LearnerConfigInput } from '../src/learners/registry.js';
import { policiesFileSchema } from '../src/policies/policy-config.js';
import { PolicySet } from '../src/policies/policy-set.js';
import { compareWithBaselines, type SimulatedService } from '../src/simulate/runner.js';
import { tactService } from '../src/simulate/tact-service.js';
import { MarketingWorld } from '../src/simulate/world.js';
import { DIGIT_ACTIONS, loadDigits, shuffledOrder, type Digits } from '../test/learners/digits.js';

const SHUFFLES = 5;
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3000' }, customers: { type: 'string', default: '400' } } });
const ROUNDS = Number(values.rounds);
const CUSTOMERS = Number(values.customers);
const SIM_SEEDS = [1, 2];

interface Combo {
  readonly name: string;
  readonly learner: LearnerConfigInput;
  readonly exploration: ExplorationConfig;
}

const neural: LearnerConfigInput = { kind: 'neural-linear', save: false };
const COMBOS: readonly Combo[] = [
  { name: 'bayes-hybrid + ucb (DEFAULT)', learner: { kind: 'bayes-hybrid' }, exploration: DEFAULT_EXPLORATION },
  { name: 'bayes-linear + ucb', learner: { kind: 'bayes-linear' }, exploration: DEFAULT_EXPLORATION },
  { name: 'bayes-linear + thompson', learner: { kind: 'bayes-linear' }, exploration: explorationConfigSchema.parse({ kind: 'thompson' }) },
  { name: 'bayes-shared + ucb', learner: { kind: 'bayes-shared' }, exploration: DEFAULT_EXPLORATION },
  { name: 'sgd + squarecb', learner: { kind: 'sgd' }, exploration: explorationConfigSchema.parse({ kind: 'squarecb' }) },
  { name: 'sgd + epsilon-greedy 0.05', learner: { kind: 'sgd' }, exploration: { kind: 'epsilon-greedy', epsilon: 0.05 } },
  { name: 'neural-linear + ucb', learner: neural, exploration: DEFAULT_EXPLORATION },
];

const VW: ReadonlyArray<[string, number]> = [
  ['VW --cb_explore_adf --epsilon 0.05', 0.504],
  ['VW --cb_explore_adf --squarecb', 0.562],
  ['VW --cb_explore_adf --cover 4 --nounif', 0.612],
  ['VW --oaa 10 (full feedback ceiling)', 0.892],
];

const fmt = (x: number, d = 3): string => x.toFixed(d);
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Waits for a scheduled training job; no-op for other learners. Returns ms waited. */
async function settle(learner: Learner): Promise<number> {
  if (!(learner instanceof NeuralLinearLearner) || !learner.training) return 0;
  const start = performance.now();
  await learner.settle(120_000);
  return performance.now() - start;
}

interface DigitsRow {
  readonly rewards: number[];
  readonly decisionsPerSecond: number;
  readonly trainingSeconds: number;
  readonly networks: number;
}

async function digitsRun(combo: Combo, digits: Digits): Promise<DigitsRow> {
  const rewards: number[] = [];
  let busy = 0;
  let waited = 0;
  let decisions = 0;
  let networks = 0;
  for (let s = 1; s <= SHUFFLES; s++) {
    const learner = createLearner(combo.learner);
    const rng = new SeededRandom(s ^ 0x5bd1e995);
    const out = { mean: new Float64Array(10), width: new Float64Array(10) };
    const pmf = new Float64Array(10);
    let total = 0;
    for (const row of shuffledOrder(digits.labels.length, s)) {
      const start = performance.now();
      const context = digits.contexts[row]!;
      learner.score(learner.prepare(context), DIGIT_ACTIONS, out);
      computePmf(combo.exploration, out, 10, rng, pmf, learner.updates);
      const chosen = sampleIndex(pmf, 10, rng);
      const reward = chosen === digits.labels[row] ? 1 : 0;
      total += reward;
      learner.learn({ context, action: DIGIT_ACTIONS[chosen]!, reward });
      busy += performance.now() - start;
      decisions++;
      waited += await settle(learner);
    }
    rewards.push(total / digits.labels.length);
    if (learner instanceof NeuralLinearLearner) networks += learner.networkVersion;
    await learner.close?.();
  }
  return { rewards, decisionsPerSecond: (decisions / busy) * 1000, trainingSeconds: waited / 1000, networks: networks / SHUFFLES };
}

/** The engine in process; a neural-linear policy's training jobs are awaited at each step. */
function simService(combo: Combo, world: MarketingWorld, seed: number): SimulatedService & { learner: Learner } {
  const file = policiesFileSchema.parse({ policies: [{ name: 'bench', learner: combo.learner, exploration: combo.exploration }] });
  const policies = PolicySet.fromConfig(file);
  const service = tactService(world, { name: combo.name, policies, seed });
  const learner = policies.get('bench').learner;
  return {
    ...service,
    name: combo.name,
    learner,
    async decide(input, customer) {
      await settle(learner);
      return service.decide(input, customer);
    },
  };
}

interface SimRow {
  readonly ofOracle: number[];
  readonly gapClosed: number[];
}

async function simulatorRuns(): Promise<{ rows: Map<string, SimRow>; random: number[] }> {
  const catalogPath = path.join(MODELS_DIR, 'catalog.yaml');
  const catalog = parseCatalog(readFileSync(catalogPath, 'utf8'), catalogPath);
  const rows = new Map<string, SimRow>(COMBOS.map((c) => [c.name, { ofOracle: [], gapClosed: [] }]));
  const random: number[] = [];
  for (const seed of SIM_SEEDS) {
    const services: Array<(w: MarketingWorld) => SimulatedService> = [];
    const learners: Learner[] = [];
    for (const combo of COMBOS) {
      services.push((w) => {
        const s = simService(combo, w, seed);
        learners.push(s.learner);
        return s;
      });
    }
    const c = await compareWithBaselines({
      makeWorld: () => new MarketingWorld(catalog, { seed, customers: CUSTOMERS }),
      services,
      rounds: ROUNDS,
      seed,
    });
    for (const l of learners) await l.close?.();
    const span = c.oracle.net - c.random.net;
    c.results.forEach((r, i) => {
      const row = rows.get(COMBOS[i]!.name)!;
      row.ofOracle.push(r.net / c.oracle.net);
      row.gapClosed.push((r.net - c.random.net) / span);
    });
    random.push(c.random.net / c.oracle.net);
    console.log(`simulator seed ${seed}: done`);
  }
  return { rows, random };
}

/** Said plainly, from the numbers: does neural-linear beat the best linear learner on each benchmark? */
function verdict(digits: ReadonlyMap<string, DigitsRow>, sim: ReadonlyMap<string, SimRow>): string {
  const nlName = 'neural-linear + ucb';
  const others = COMBOS.filter((c) => c.name !== nlName);
  const bestDigits = others.reduce((a, b) => (mean(digits.get(b.name)!.rewards) > mean(digits.get(a.name)!.rewards) ? b : a));
  const bestSim = others.reduce((a, b) => (mean(sim.get(b.name)!.ofOracle) > mean(sim.get(a.name)!.ofOracle) ? b : a));
  const nlDigits = mean(digits.get(nlName)!.rewards);
  const nlSim = mean(sim.get(nlName)!.ofOracle);
  const winsDigits = nlDigits > mean(digits.get(bestDigits.name)!.rewards);
  const winsSim = nlSim > mean(sim.get(bestSim.name)!.ofOracle);
  const lines = [
    `- Digits: neural-linear ${fmt(nlDigits)} vs best linear ${bestDigits.name} ${fmt(mean(digits.get(bestDigits.name)!.rewards))}: ${winsDigits ? 'neural-linear wins' : 'neural-linear does not win'}.`,
    `- Simulator: neural-linear ${pct(nlSim)} of oracle vs best linear ${bestSim.name} ${pct(mean(sim.get(bestSim.name)!.ofOracle))}: ${winsSim ? 'neural-linear wins' : 'neural-linear does not win'}.`,
  ];
  lines.push(
    winsDigits && winsSim
      ? '- Verdict: neural-linear wins on both; it is still opt-in (kind: neural-linear) because it needs a worker thread and disk for its networks.'
      : '- Verdict: neural-linear does not win across the board, so it stays an option (learner kind `neural-linear`), not the default; bayes-hybrid + ucb remains the default. Its test on an XOR-like context (test/learners/neural-linear.test.ts) shows where it helps: rewards that are not linear in the raw features, which neither digits (nearly linearly separable for a per-class model) nor this simulator\'s observable features strongly need at these stream lengths.',
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const digits = loadDigits();
  const digitRows = new Map<string, DigitsRow>();
  for (const combo of COMBOS) {
    const r = await digitsRun(combo, digits);
    digitRows.set(combo.name, r);
    console.log(`${combo.name}: digits ${fmt(mean(r.rewards))} (${Math.round(r.decisionsPerSecond)}/s)`);
  }
  const sim = await simulatorRuns();
  const lines = [
    `| learner + exploration | digits avg reward (mean of ${SHUFFLES}) | min - max | decisions/s | simulator: % of oracle | simulator: gap closed vs random |`,
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const combo of COMBOS) {
    const d = digitRows.get(combo.name)!;
    const s = sim.rows.get(combo.name)!;
    lines.push(
      `| ${combo.name} | ${fmt(mean(d.rewards))} | ${fmt(Math.min(...d.rewards))} - ${fmt(Math.max(...d.rewards))} | ${Math.round(d.decisionsPerSecond).toLocaleString('en-US')} | ${pct(mean(s.ofOracle))} (${s.ofOracle.map(pct).join(', ')}) | ${pct(mean(s.gapClosed))} |`,
    );
  }
  lines.push(`| random (uniform over candidates) | - | - | - | ${pct(mean(sim.random))} | 0.0% |`);
  for (const [name, value] of VW) lines.push(`| ${name} | ${fmt(value)} | reference | - | - | - |`);
  const nl = digitRows.get('neural-linear + ucb')!;
  const table = lines.join('\n');
  console.log(`\n${table}`);
  const seconds = (performance.now() - started) / 1000;
  const body = [
    '# Learning benchmark',
    '',
    `Generated by \`npx tsx bench/learning.ts\` on Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, in ${Math.round(seconds)} s.`,
    '',
    `Digits: Bietti et al. protocol (10 actions, reward 1 for the label, bandit feedback, progressive validation), ${SHUFFLES} seeded shuffles of 1,797 rows.`,
    `Simulator: the marketing world (${CUSTOMERS} customers, ${ROUNDS} rounds, seeds ${SIM_SEEDS.join(', ')}) through the in-process engine (tactService); net value as a share of the oracle's (which sees hidden traits), and the share of the random-to-oracle gap closed.`,
    `Neural-linear: \`${JSON.stringify(neural)}\` with defaults (64 hidden, 32-unit embedding, first network after 200 examples, then after a gap doubling up to 1,000). Each training job is awaited where it was scheduled (as if training kept up with traffic); on digits it trained ${fmt(nl.networks, 1)} networks per shuffle, ${fmt(nl.trainingSeconds / SHUFFLES, 1)} s of worker time per shuffle. Decisions/s is the request path only.`,
    '',
    table,
    '',
    '## Does neural-linear earn its place?',
    '',
    verdict(digitRows, sim.rows),
    '',
    'Costs: on the request path neural-linear runs the network forward once per prepare and once per learn (plain TypeScript, 65-64-32 on digits) and keeps the raw bayes-linear model learning too (it owns the feature encoding and serves until the first network). Decisions/s on this shared two-core machine vary 2-3x between runs (other work runs alongside): read them as orders of magnitude. Training (tfjs, wasm backend: about twice the cpu backend on this MLP) runs on a worker thread.',
    'Unlearning is exact for the head while the example is still in the replay buffer and always exact for the raw model; the network is not unlearned, it forgets an example at the next retraining.',
    '',
  ];
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}learning.md`, body.join('\n'));
  console.log(`\nwritten to ${dir}learning.md (${Math.round(seconds)} s)`);
}

await main();
