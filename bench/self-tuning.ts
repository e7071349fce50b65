/**
 * Self-tuning on the many-class streams, through the engine (Decide, then a
 * Reward of 1 or 0 at once, on a fake clock): the default policy alone, and
 * the default as champion with two wider-exploring challengers in shadow
 * (observation noise 0.45 and 0.65 against its 0.25) under `selfTuning`,
 * next to the textbook learner, mean and sd over seeded shuffles, with the
 * switches self-tuning made. Every policy here runs the default learner
 * and exploration; only the noise differs.
 *
 *   npx tsx bench/self-tuning.ts [--shuffles 3] [--streams all|digits|s26|s26skew|s20]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { configSchema } from '../src/config.js';
import { ManualClock } from '../src/core/clock.js';
import { SeededRandom, shuffle } from '../src/core/random.js';
import type { Candidate } from '../src/domain/decision.js';
import { features } from '../src/domain/features.js';
import { createTact } from '../src/main.js';
import { parsePolicies } from '../src/policies/load-policies.js';
import { PolicySet } from '../src/policies/policy-set.js';
import { manyClassStreams, meanSd, textbook, type Data } from './many-class-streams.js';

const { values } = parseArgs({ options: { shuffles: { type: 'string', default: '3' }, streams: { type: 'string', default: 'all' } } });
const SHUFFLES = Number(values.shuffles);

const policy = (name: string, noise: number) => `  - { name: ${name}, shadow: true, learner: { kind: bayes-hybrid, noise: ${noise} } }`;
const ALONE = `default: default\npolicies:\n${policy('default', 0.25)}\n`;
const TUNED = `default: default
selfTuning: { minRounds: 1000, minEss: 200, margin: 0.01, checkEvery: 500 }
policies:
${policy('default', 0.25)}
${policy('noise-0.45', 0.45)}
${policy('noise-0.65', 0.65)}
`;

/** Average reward of the served choices over one shuffle, and the switches made. */
async function run(data: Data, order: readonly number[], seed: number, yaml: string): Promise<{ reward: number; switches: string[] }> {
  const clock = new ManualClock();
  const policies = PolicySet.fromConfig(parsePolicies(yaml, 'bench'));
  let id = 0;
  const tact = createTact(configSchema.parse({ logLevel: 'silent' }), { clock, policies, seed, newId: () => (id++).toString(16).padStart(16, '0') });
  const switches: string[] = [];
  tact.tuner?.onSwitch((s) => switches.push(`${s.current} at ${id}`));
  const candidates: Candidate[] = Array.from({ length: data.k }, (_, i) => ({
    id: `a${i}`, channel: '', messageId: '', sendSlot: '', sendAt: 0, noSend: false, cost: 0, features: features(),
  }));
  let total = 0;
  for (const row of order) {
    const numeric: Record<string, number> = {};
    data.x[row]!.forEach((v, i) => (numeric[`f${i}`] = v));
    const d = await tact.engine.decide({ customerId: `c${id}`, trigger: 't', context: { numeric, categorical: {} }, candidates, topK: 1, at: clock.now(), explain: false });
    const r = d.choices[0]!.actionId === `a${data.y[row]}` ? 1 : 0;
    total += r;
    await tact.joiner.reward({ decisionId: d.decisionId, value: r });
    clock.advance(1000);
  }
  await tact.close();
  return { reward: total / order.length, switches };
}

const lines = [`| stream | textbook disjoint LinUCB | Tact default alone | default + 2 challengers, self-tuning | switches (per shuffle) |`, '| --- | --- | --- | --- | --- |'];
for (const data of manyClassStreams(values.streams)) {
  const orders = Array.from({ length: SHUFFLES }, (_, s) => shuffle(Array.from({ length: data.y.length }, (_, i) => i), new SeededRandom(s + 1)));
  const book = orders.map((o) => textbook(data, o));
  const alone: number[] = [];
  const tuned: number[] = [];
  const switches: string[] = [];
  for (const [s, order] of orders.entries()) {
    alone.push((await run(data, order, s + 1, ALONE)).reward);
    const t = await run(data, order, s + 1, TUNED);
    tuned.push(t.reward);
    switches.push(t.switches.length === 0 ? 'none' : t.switches.join(', '));
  }
  lines.push(`| ${data.name} | ${meanSd(book)} | ${meanSd(alone)} | ${meanSd(tuned)} | ${switches.join('; ')} |`);
  console.log(lines.at(-1));
}
writeFileSync(
  new URL('./results/self-tuning.md', import.meta.url),
  `# Self-tuning on many-class streams (${new Date().toISOString()})\n\n\`npx tsx bench/self-tuning.ts --shuffles ${SHUFFLES} --streams ${values.streams}\`\n\n${lines.join('\n')}\n`,
);
