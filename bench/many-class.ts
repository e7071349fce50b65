/**
 * Many-class streams as contextual bandits (the bake-off protocol: each row
 * a context, each class an action, reward 1 for the label, progressive
 * validation), Tact's default learner and exploration next to textbook
 * disjoint LinUCB (Li et al. 2010: alpha 0.5, ridge 1, features / global
 * max), mean and sample sd over seeded shuffles; optional variants of the
 * default's exploration width.
 *
 * Streams: digits (test/fixtures, 10 classes) and seeded synthetic
 * letter-like streams (K classes, F integer features in 0..15, class means
 * uniform in [2, 13], shared Gaussian noise, rounded and clipped; one with
 * skewed class frequencies). No PyPI or UCI download is reachable here, so
 * the streams like the 26-class one are generated, reproducibly.
 *
 *   npx tsx bench/many-class.ts [--shuffles 5] [--variants noise:alpha:epsilon:lambda,...] [--learners '{json};{json}']
 *
 * A variant noise:alpha:epsilon:lambda runs the per-action models on that
 * fixed noise with no early floor (noiseFloorRewards 0), as every variant
 * did before the floor existed (0.25:1:0.01:1 is the default before it); `default` is the registry's default learner; each
 * --learners entry is a bayes-hybrid config (over the defaults) with the
 * default exploration.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SeededRandom, shuffle } from '../src/core/random.js';
import type { ExplorationConfig } from '../src/explore/exploration.js';
import type { LearnerConfigInput } from '../src/learners/registry.js';
import { manyClassStreams, meanSd as stats, tact, textbook } from './many-class-streams.js';

const { values } = parseArgs({ options: { shuffles: { type: 'string', default: '5' }, variants: { type: 'string', default: 'default' }, learners: { type: 'string', default: '' }, streams: { type: 'string', default: 'all' } } });
const which = values.streams;
const shuffles = Number(values.shuffles);
const sets = manyClassStreams(which);
const variants: Array<[string, LearnerConfigInput, ExplorationConfig]> = values.variants.split(',').map((v) => {
  if (v === 'default') return ['Tact default (registry default learner, ucb alpha 1, epsilon 0.01)', { kind: 'bayes-hybrid' }, { kind: 'ucb', alpha: 1, epsilon: 0.01 }];
  const [noise, alpha, eps, lambda] = v.split(':');
  const name = `Tact, fixed noise ${noise} alpha ${alpha} epsilon ${eps} lambda ${lambda}, no floor`;
  return [name, { kind: 'bayes-hybrid', noiseEstimate: 'fixed', noiseFloorRewards: 0, noise: Number(noise), lambda: Number(lambda) }, { kind: 'ucb', alpha: Number(alpha), epsilon: Number(eps) }];
});
for (const j of values.learners.split(';').filter((x) => x.trim() !== '')) {
  variants.push([`Tact, ${j}`, { kind: 'bayes-hybrid', ...(JSON.parse(j) as object) } as LearnerConfigInput, { kind: 'ucb', alpha: 1, epsilon: 0.01 }]);
}
const lines = [`| stream | learner | average reward (mean ± sd over ${shuffles} shuffles) |`, '| --- | --- | --- |'];
for (const d of sets) {
  const orders = Array.from({ length: shuffles }, (_, s) => shuffle(Array.from({ length: d.y.length }, (_, i) => i), new SeededRandom(s + 1)));
  lines.push(`| ${d.name} | textbook disjoint LinUCB | ${stats(orders.map((o) => textbook(d, o)))} |`);
  for (const [name, l, e] of variants) lines.push(`| ${d.name} | ${name} | ${stats(orders.map((o, s) => tact(d, o, s + 1, l, e)))} |`);
  console.log(lines.slice(-1 - variants.length).join('\n'));
}
writeFileSync(new URL('./results/many-class.md', import.meta.url), `# Many-class streams (${new Date().toISOString()})\n\n\`npx tsx bench/many-class.ts --shuffles ${shuffles} --variants ${values.variants}${values.learners ? ` --learners '${values.learners}'` : ''}\`\n\n${lines.join('\n')}\n`);
