/**
 * Neural-linear on the many-class streams (issue 17 asks for more than 0.60
 * on a stream like the 26-class one, or why not): the same protocol and
 * shuffles as bench/many-class.ts, each training job awaited after the learn
 * that scheduled it (as if training kept up with traffic, as
 * bench/learning.ts does), next to the default and the textbook. Measured
 * only; neural-linear stays opt-in.
 *
 *   npx tsx bench/many-class-neural.ts [--shuffles 3] [--streams letter] [--configs '{json};{json}'] [--out many-class-neural]
 *
 * Each --configs entry is a neural-linear config over its defaults (save is
 * always false: nothing is written to disk).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SeededRandom, shuffle } from '../src/core/random.js';
import { DEFAULT_EXPLORATION } from '../src/explore/pmf.js';
import { NeuralLinearLearner } from '../src/learners/neural-linear/neural-linear.js';
import { createLearner, DEFAULT_LEARNER, type LearnerConfigInput } from '../src/learners/registry.js';
import { manyClassStreams, meanSd, perFeatureWithIntercept, rounds, tact, textbook } from './many-class-streams.js';

const { values } = parseArgs({ options: { shuffles: { type: 'string', default: '3' }, streams: { type: 'string', default: 'letter' }, configs: { type: 'string', default: '{}' }, out: { type: 'string', default: 'many-class-neural' } } });
const shuffles = Number(values.shuffles);
const started = performance.now();

/** One run; also the networks it trained and the worker's training seconds (awaited). */
async function neural(d: Parameters<typeof tact>[0], order: number[], seed: number, config: LearnerConfigInput): Promise<[number, number, number]> {
  const l = createLearner(config) as NeuralLinearLearner;
  const run = rounds(d, order, seed, l, DEFAULT_EXPLORATION);
  let waited = 0;
  let step = run.next();
  while (!step.done) {
    if (l.training) { const t0 = performance.now(); await l.settle(600_000); waited += performance.now() - t0; }
    step = run.next();
  }
  const networks = l.networkVersion;
  await l.close();
  return [step.value, networks, waited / 1000];
}

const lines = [`| stream | learner | average reward (mean ± sd over ${shuffles} shuffles) | networks per shuffle | training s per shuffle | seconds (all shuffles) |`, '| --- | --- | --- | --- | --- | --- |'];
for (const d of manyClassStreams(values.streams)) {
  const orders = Array.from({ length: shuffles }, (_, s) => shuffle(Array.from({ length: d.y.length }, (_, i) => i), new SeededRandom(s + 1)));
  const t0 = performance.now();
  const book = orders.map((o) => Math.max(textbook(d, o), textbook(perFeatureWithIntercept(d), o)));
  const ours = orders.map((o, s) => tact(d, o, s + 1, DEFAULT_LEARNER, DEFAULT_EXPLORATION));
  lines.push(`| ${d.name} | textbook, the better of its two preparations per shuffle | ${meanSd(book)} | | | |`, `| ${d.name} | Tact default (bayes-hybrid, ucb alpha 1, epsilon 0.01) | ${meanSd(ours)} | | | ${((performance.now() - t0) / 1000).toFixed(0)} |`);
  console.log(lines.slice(-2).join('\n'));
  for (const c of values.configs.split(';').filter((x) => x.trim() !== '')) {
    const config = { ...(JSON.parse(c) as object), kind: 'neural-linear', save: false } as LearnerConfigInput;
    const t1 = performance.now();
    const runs: Array<[number, number, number]> = [];
    for (const [s, o] of orders.entries()) runs.push(await neural(d, o, s + 1, config));
    const avg = (i: number): string => (runs.reduce((a, r) => a + r[i]!, 0) / runs.length).toFixed(1);
    lines.push(`| ${d.name} | neural-linear ${c} | ${meanSd(runs.map((r) => r[0]))} | ${avg(1)} | ${avg(2)} | ${((performance.now() - t1) / 1000).toFixed(0)} |`);
    console.log(lines.at(-1));
  }
}
const command = `npx tsx bench/many-class-neural.ts --shuffles ${shuffles} --streams ${values.streams} --configs '${values.configs}'${values.out === 'many-class-neural' ? '' : ` --out ${values.out}`}`;
writeFileSync(new URL(`./results/${values.out}.md`, import.meta.url), `# Neural-linear on many-class streams (${new Date().toISOString()}, ${((performance.now() - started) / 1000).toFixed(0)} s)\n\n\`${command}\`\n\n${lines.join('\n')}\n`);
