/**
 * Learner update throughput in process, two workloads:
 *
 * 1. The simulator's stream: the learning examples the default policy
 *    receives in the simulated marketing world (recorded once from a real
 *    run through the engine, rules and reward windows), replayed into a
 *    fresh default learner. This is where the shared model reaches its full
 *    joint dimension (context x channel, slot, category, discount).
 * 2. The synthetic stream through Policy.apply: 100 catalog-like actions
 *    with features and a 5-feature context (what every replica does for
 *    every joined or default reward).
 * 3. The floor under (1): one Sherman-Morrison rank-one step on the upper
 *    triangle of a D x D A^-1 at the simulator's dimension, the O(D^2) part
 *    every exact update of the shared model pays (a change of units pays it
 *    again per rescaled dimension).
 *
 *   npx tsx bench/learner-updates.ts [--rounds 20000] [--updates 50000]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadCatalog } from '../src/catalog/load.js';
import type { Learner, LearningExample } from '../src/learners/learner.js';
import { rankOne } from '../src/learners/linear-posterior.js';
import { DEFAULT_LEARNER, createLearner } from '../src/learners/registry.js';
import { DEFAULT_POLICIES } from '../src/policies/policy-config.js';
import { Policy, PolicySet } from '../src/policies/policy-set.js';
import { runSimulation } from '../src/simulate/runner.js';
import { tactService } from '../src/simulate/tact-service.js';
import { MarketingWorld } from '../src/simulate/world.js';
import type { LearningUpdate } from '../src/store/store.js';
import { decideRequest } from './load/messages.js';

/** Wraps a learner and keeps every example it is taught, in order. */
function recording(inner: Learner): { learner: Learner; examples: LearningExample[] } {
  const examples: LearningExample[] = [];
  const learner: Learner = {
    kind: inner.kind,
    get updates() {
      return inner.updates;
    },
    prepare: (c) => inner.prepare(c),
    score: (p, a, o) => inner.score(p, a, o),
    learn: (e) => {
      examples.push(e);
      inner.learn(e);
    },
    unlearn: (e) => inner.unlearn(e),
    explain: (p, a, t) => inner.explain(p, a, t),
    snapshot: () => inner.snapshot(),
  };
  return { learner, examples };
}

/** The default policy's learning examples over `rounds` simulated decisions (seed 1, 500 customers). */
export async function simulatorExamples(rounds: number): Promise<LearningExample[]> {
  const catalog = await loadCatalog(new URL('../models/catalog.yaml', import.meta.url).pathname);
  const config = DEFAULT_POLICIES.policies[0]!;
  const { learner, examples } = recording(createLearner(config.learner));
  const world = new MarketingWorld(catalog, { seed: 1, customers: 500 });
  const service = tactService(world, { policies: new PolicySet([new Policy(config, learner)]), seed: 1 });
  await runSimulation({ world, service, rounds, seed: 2 });
  await service.tact.close();
  return examples;
}

export interface UpdateRate {
  readonly updates: number;
  readonly updatesPerSecond: number;
  /** The shared model's joint dimension at the end (bayes-hybrid / bayes-shared), if any. */
  readonly dimension?: number;
}

function dimensionOf(learner: Learner): number | undefined {
  const l = learner as { shared?: { dimension?: number }; dimension?: number };
  return l.shared?.dimension ?? l.dimension;
}

/** Replays recorded examples into a fresh default learner, best of `repeats` timed passes. */
export function replayRate(examples: readonly LearningExample[], repeats = 3): UpdateRate {
  let best = Infinity;
  let dimension: number | undefined;
  for (let r = 0; r < repeats; r++) {
    const learner = createLearner(DEFAULT_LEARNER);
    const start = process.hrtime.bigint();
    for (const e of examples) learner.learn(e);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
    dimension = dimensionOf(learner);
  }
  return { updates: examples.length, updatesPerSecond: examples.length / best, ...(dimension === undefined ? {} : { dimension }) };
}

/** Microseconds of one rank-one step on a d x d upper triangle (median of `repeats`), and the bytes of that triangle (read once, written once). */
export function rankOneCost(d: number, repeats = 200): { micros: number; bytes: number } {
  const m = new Float64Array(d * d);
  const u = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    u[i] = Math.sin(i + 1);
    m[i * d + i] = 1;
  }
  const times: number[] = [];
  for (let r = 0; r < repeats + 20; r++) {
    const start = process.hrtime.bigint();
    rankOne(m, d, u, 1e-9);
    if (r >= 20) times.push(Number(process.hrtime.bigint() - start) / 1e3);
  }
  times.sort((a, b) => a - b);
  return { micros: times[times.length >> 1]!, bytes: 8 * ((d * (d + 1)) / 2) };
}

export async function runLearnerUpdates(updates = 50_000): Promise<UpdateRate> {
  const policy = PolicySet.fromConfig(DEFAULT_POLICIES).get();
  const req = decideRequest(100);
  const ctx = req.context as { numeric: Record<string, number>; categorical: Record<string, string> };
  const make = (i: number): LearningUpdate => {
    const c = req.candidates![i % 100]!;
    const f = c.features as { numeric: Record<string, number>; categorical: Record<string, string> };
    return {
      policy: policy.name,
      customerId: 'c',
      decisionId: `d${i}`,
      context: { numeric: { ...ctx.numeric, basket_value: (i % 50) * 3 }, categorical: { ...ctx.categorical, trigger: 'cart_abandoned' } },
      actionId: c.id as string,
      actionFeatures: f,
      reward: i % 9 === 0 ? 20 : 0,
    };
  };
  for (let i = 0; i < 5000; i++) policy.apply(make(i));
  const batch = Array.from({ length: updates }, (_, i) => make(i + 5000));
  const start = process.hrtime.bigint();
  for (const u of batch) policy.apply(u);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const dimension = dimensionOf(policy.learner);
  return { updates, updatesPerSecond: updates / seconds, ...(dimension === undefined ? {} : { dimension }) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { updates: { type: 'string', default: '50000' }, rounds: { type: 'string', default: '20000' } } });
  const examples = await simulatorExamples(Number(values.rounds));
  const sim = replayRate(examples);
  const synthetic = await runLearnerUpdates(Number(values.updates));
  const d = sim.dimension ?? 0;
  const floor = rankOneCost(d);
  const lines = [
    `Simulator stream (${values.rounds} decisions, seed 1): ${sim.updates} examples, shared dimension ${sim.dimension}: ${sim.updatesPerSecond.toFixed(0)} updates/s (best of 3 replays).`,
    `Synthetic, 100 actions, 5-feature context, through Policy.apply: ${synthetic.updatesPerSecond.toFixed(0)} updates/s (${synthetic.updates} updates, shared dimension ${synthetic.dimension}).`,
    `One rank-one step at D = ${d} (upper triangle, ${(floor.bytes / 2 ** 20).toFixed(1)} MiB read and written back): ${floor.micros.toFixed(0)} us median, so at most ${(1e6 / floor.micros).toFixed(0)} exact updates/s from it alone.`,
  ];
  console.log(lines.join('\n'));
  writeFileSync(new URL('./results/learner-updates.md', import.meta.url), `# Learner update throughput (${new Date().toISOString()})\n\n${lines.map((l) => `- ${l}`).join('\n')}\n`);
}
