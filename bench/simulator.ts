/**
 * The default policy in the simulated marketing world, over several world
 * seeds: net value against uniform choice under the same rules, the
 * rule-free random sender and the rules-aware oracle, overall and in the
 * last quarter of the stream (once learned). Written to
 * bench/results/simulator.md.
 * With --expected-rewards the default policy also runs once per seed fed
 * the exact expected value of each chosen action instead of a sampled
 * conversion: what the model could learn from the same decisions without
 * reward noise (the information limit, not the model's).
 * With --journeys the customers drive Tact through events instead (src/simulate/journey-sim.ts):
 * per seed, the triggers fired and cancelled, and the default policy's and
 * uniform choice's net value against no-send on the same world; written to
 * bench/results/journeys-simulator.md.
 * With --funnel the default policy runs next to the same policy learning
 * from opens (learner kind funnel: P(open) x what an open earns, see
 * src/learners/funnel.ts), both told every delivery receipt; written to
 * bench/results/funnel-simulator.md.
 *   npx tsx bench/simulator.ts [--rounds 20000] [--seeds 1,2,3] [--expected-rewards]
 *   npx tsx bench/simulator.ts --funnel [--rounds 20000] [--seeds 1,2,3]
 *   npx tsx bench/simulator.ts --journeys [--events 20000] [--seeds 1,2,3]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseCatalog } from '../src/catalog/load.js';
import { MODELS_DIR } from '../src/core/paths.js';
import { DEFAULT_LEARNER } from '../src/learners/registry.js';
import { DEFAULT_POLICIES, policiesFileSchema } from '../src/policies/policy-config.js';
import { compareJourneys } from '../src/simulate/journey-comparison.js';
import type { JourneySimResult } from '../src/simulate/journey-sim.js';
import { comparePolicies } from '../src/simulate/policy-comparison.js';
import { PolicySet } from '../src/policies/policy-set.js';
import { lastQuarterNet, runSimulation, type SimulatedService, type SimulationResult } from '../src/simulate/runner.js';
import { tactService } from '../src/simulate/tact-service.js';
import { MarketingWorld } from '../src/simulate/world.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '20000' },
    seeds: { type: 'string', default: '1,2,3' },
    'expected-rewards': { type: 'boolean', default: false },
    journeys: { type: 'boolean', default: false },
    events: { type: 'string', default: '20000' },
    funnel: { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(values.rounds);
const SEEDS = values.seeds.split(',').map(Number);
const catalogPath = path.join(MODELS_DIR, 'catalog.yaml');
const catalog = parseCatalog(readFileSync(catalogPath, 'utf8'), catalogPath);
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
const rows: string[] = [];
const notes: string[] = [];

/** The default policy, each decision rewarded at once with its chosen action's expected conversion value. */
async function withExpectedRewards(seed: number): Promise<SimulationResult> {
  const world = new MarketingWorld(catalog, { seed, customers: 500 });
  const inner = tactService(world, { policies: PolicySet.fromConfig(DEFAULT_POLICIES), seed });
  const service: SimulatedService = {
    ...inner,
    name: 'default, expected rewards',
    async decide(input, view) {
      const d = await inner.decide(input, view);
      const c = d.choices[0];
      const customer = world.customer(view.id);
      if (!c || d.holdout || !customer) return d;
      const noSend = c.noSend || c.channel === '';
      const action = { messageId: c.messageId, channel: c.channel, sendAt: c.sendAt, noSend, cost: noSend ? 0 : (catalog.channels.get(c.channel)?.cost ?? 0) };
      const expected = world.expected(customer, action, input.at).expectedValue;
      if (expected > 0) await inner.reward(d.decisionId, c.actionId, expected);
      return d;
    },
    reward: async () => {},
  };
  return runSimulation({ world, service, rounds: ROUNDS, seed: seed + 1 });
}
if (values.journeys) {
  await journeys();
  process.exit(0);
}
if (values.funnel) {
  await funnel();
  process.exit(0);
}

/** The default policy before and after funnel learning, on the same worlds and streams. */
async function funnel(): Promise<void> {
  const policies = policiesFileSchema.parse({
    default: 'default',
    policies: [{ name: 'default' }, { name: 'funnel', learner: { kind: 'funnel', model: DEFAULT_LEARNER } }],
  });
  const out: string[] = [];
  for (const seed of SEEDS) {
    const started = performance.now();
    const { policies: [plain, funnelled], uniform, ceiling } = await comparePolicies({ catalog, policies, names: ['default', 'funnel'], seed, rounds: ROUNDS });
    const closed = (r: SimulationResult): string => `${(100 * ((r.net - uniform.net) / (ceiling.net - uniform.net))).toFixed(0)}%`;
    const lastClosed = (r: SimulationResult): string =>
      `${(100 * ((lastQuarterNet(r) - lastQuarterNet(uniform)) / (lastQuarterNet(ceiling) - lastQuarterNet(uniform)))).toFixed(0)}%`;
    out.push(
      `| ${seed} | ${uniform.net.toFixed(0)} | ${ceiling.net.toFixed(0)} | ${plain!.net.toFixed(0)} | ${closed(plain!)} | ${lastClosed(plain!)} | ` +
        `${funnelled!.net.toFixed(0)} | ${closed(funnelled!)} | ${lastClosed(funnelled!)} | ${((performance.now() - started) / 1000).toFixed(0)} s |`,
    );
    console.info(out.at(-1));
  }
  const text = [
    `# Funnel learning in the simulated world (${ROUNDS} decisions, 500 customers, ${new Date().toISOString()})`,
    '',
    'Both policies are told every delivery receipt (delivered, opened, ignored, with the decision id, as a provider\'s webhook',
    'carries it) and every conversion; "default" learns from conversions only, "funnel" (learner kind funnel over the default',
    'learner) also from opens. "Fair gap closed": share of the way from uniform choice to the oracle, both under the same',
    'contact rules, overall and in the last quarter of the stream.',
    '',
    '| world seed | uniform net | oracle net | default net | default: fair gap closed | last quarter | funnel net | funnel: fair gap closed | last quarter | run time |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...out,
    '',
    `Command: npx tsx bench/simulator.ts --funnel --rounds ${ROUNDS} --seeds ${values.seeds}`,
  ].join('\n');
  writeFileSync(new URL('results/funnel-simulator.md', import.meta.url), `${text}\n`);
  console.info(text);
}

/** The event-driven run: triggers from the catalog's rules, sends through the journeys' delivery. */
async function journeys(): Promise<void> {
  const events = Number(values.events);
  const out: string[] = [];
  const sum = (m: Readonly<Record<string, number>>) => Object.values(m).reduce((a, b) => a + b, 0);
  for (const seed of SEEDS) {
    const started = performance.now();
    const { results, noSend } = await compareJourneys({ catalog, policies: DEFAULT_POLICIES, names: ['default'], seed, events });
    const [learned, uniform] = results as [JourneySimResult, JourneySimResult];
    const cancelled = Object.values(noSend.cancelled).reduce((a, m) => a + sum(m), 0);
    out.push(
      `| ${seed} | ${sum(noSend.started)} | ${sum(noSend.fired)} | ${cancelled} | ${learned.sends} | ${sum(learned.sendsCancelled)} | ${noSend.net.toFixed(0)} | ` +
        `${(learned.net - noSend.net).toFixed(0)} (${learned.messageConversions} conv.) | ${(uniform.net - noSend.net).toFixed(0)} (${uniform.messageConversions} conv.) | ${((performance.now() - started) / 1000).toFixed(0)} s |`,
    );
    console.info(out.at(-1));
  }
  const text = [
    `# Journeys driven by customer events (${events} events, 500 customers, ${new Date().toISOString()})`,
    '',
    'The simulated customers emit CART_ADD, PURCHASE, CUSTOM app_open / page_view / order_shipped and receipts through',
    'RecordEvent on a fake clock; the sample catalog\'s trigger rules fire; sends go through the journeys\' delivery at',
    'send_at with the send-time re-check. Net value = conversion value (cart owners coming back on their own + purchases',
    'a message caused) - channel costs; "vs no-send": the same world and seed with every firing answered no-send.',
    '',
    '| world seed | timers started | fired | cancelled | default: sends | cancelled at send | no-send net | default vs no-send | uniform vs no-send | run time |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...out,
    '',
    `Command: npx tsx bench/simulator.ts --journeys --events ${events} --seeds ${values.seeds}`,
  ].join('\n');
  writeFileSync(new URL('results/journeys-simulator.md', import.meta.url), `${text}\n`);
  console.info(text);
}

for (const seed of SEEDS) {
  const started = performance.now();
  const { comparison: c, policies, uniform, ceiling } = await comparePolicies({ catalog, policies: DEFAULT_POLICIES, names: ['default'], seed, rounds: ROUNDS });
  const learned = policies[0]!;
  const gap = (learned.net - uniform.net) / (ceiling.net - uniform.net);
  rows.push(
    `| ${seed} | ${learned.net.toFixed(0)} | ${ratio(learned.net, c.random.net)} | ${ratio(learned.net, uniform.net)} | ${ratio(lastQuarterNet(learned), lastQuarterNet(c.random))} | ${ratio(lastQuarterNet(learned), lastQuarterNet(uniform))} | ${(100 * gap).toFixed(0)}% | ${ratio(learned.complaints, c.random.complaints)} | ${((performance.now() - started) / 1000).toFixed(0)} s |`,
  );
  console.info(rows.at(-1));
  if (values['expected-rewards']) {
    const exact = await withExpectedRewards(seed);
    notes.push(`Seed ${seed}, fed expected rewards: net ${exact.net.toFixed(0)} (${(100 * (exact.net / ceiling.net)).toFixed(0)}% of the rules-aware oracle's ${ceiling.net.toFixed(0)}).`);
    console.info(notes.at(-1));
  }
}
const table = [
  `# The default policy in the simulated world (${ROUNDS} decisions, 500 customers, ${new Date().toISOString()})`,
  '',
  'Net value = conversion value - channel costs. "Last quarter": the final quarter of the stream, once learned.',
  '"Fair gap closed": share of the way from uniform choice to the oracle, both under the same contact rules.',
  '',
  '| world seed | default net | vs random | vs uniform (rules) | last quarter vs random | last quarter vs uniform | fair gap closed | complaints vs random | run time |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
  ...(notes.length > 0 ? ['', ...notes] : []),
].join('\n');
writeFileSync(new URL('results/simulator.md', import.meta.url), `${table}\n`);
console.info(table);
