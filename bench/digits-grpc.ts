/**
 * Learning through the real server: the digits data set streamed as a
 * contextual bandit through gRPC Decide/Reward (10 candidates, the 64 raw
 * pixel values as context, reward 1 for the right class, progressive average
 * reward), 5 seeded shuffles, a fresh server with the DEFAULT policy each time.
 *
 *   npx tsx bench/digits-grpc.ts [--shuffles 5]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { serve } from '../src/cli/serve.js';
import { configSchema } from '../src/config.js';
import { TestClient } from '../test/support/grpc-client.js';
import { loadDigits, shuffledOrder } from '../test/learners/digits.js';

const { values } = parseArgs({ options: { shuffles: { type: 'string', default: '5' } } });
const shuffles = Number(values.shuffles);
const digits = loadDigits();
const candidates = Array.from({ length: 10 }, (_, i) => ({ id: String(i) }));

async function oneShuffle(seed: number): Promise<{ reward: number; perSecond: number }> {
  const running = await serve(configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'silent', seed }));
  const client = new TestClient(`127.0.0.1:${running.grpc.port}`);
  let total = 0;
  const order = shuffledOrder(digits.labels.length, seed);
  const start = process.hrtime.bigint();
  for (const row of order) {
    const numeric = digits.contexts[row]!.numeric as Record<string, number>;
    const d = await client.decide({ customer_id: `row-${row}`, trigger: 'digit', context: { numeric }, candidates });
    const chosen = d.choices[0]!.action_id;
    const reward = chosen === String(digits.labels[row]) ? 1 : 0;
    total += reward;
    await client.reward({ decision_id: d.decision_id, value: reward });
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  client.close();
  await running.stop();
  return { reward: total / order.length, perSecond: order.length / seconds };
}

const results: { reward: number; perSecond: number }[] = [];
for (let s = 0; s < shuffles; s++) {
  results.push(await oneShuffle(1000 + s));
  process.stderr.write(`shuffle ${s + 1}/${shuffles}: ${results[s]!.reward.toFixed(3)}\n`);
}
const rewards = results.map((r) => r.reward);
const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
const sd = Math.sqrt(rewards.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, rewards.length - 1));
const rate = results.reduce((a, r) => a + r.perSecond, 0) / results.length;
const table = [
  '| learner (through gRPC) | average reward | spread (sd) | decisions/s (Decide+Reward, sequential) |',
  '| --- | --- | --- | --- |',
  `| Tact default policy | ${mean.toFixed(3)} | ${sd.toFixed(3)} | ${rate.toFixed(0)} |`,
  '| VW --cb_explore_adf --epsilon 0.05 | 0.504 | | |',
  '| VW --cb_explore_adf --squarecb | 0.562 | | |',
  '| VW --cb_explore_adf --cover 4 --nounif | 0.612 | | |',
  '| VW --oaa 10 (full feedback ceiling) | 0.892 | | |',
].join('\n');
console.log(table);
writeFileSync(
  new URL('./results/digits-grpc.md', import.meta.url),
  `# Digits through gRPC (${shuffles} shuffles, ${new Date().toISOString()})\n\n${table}\n`,
);
