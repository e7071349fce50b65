/**
 * The default policy in the simulated marketing world, over several world
 * seeds: net value against uniform choice under the same rules, the
 * rule-free random sender and the rules-aware oracle, overall and in the
 * last quarter of the stream (once learned). Written to
 * bench/results/simulator.md.
 *   npx tsx bench/simulator.ts [--rounds 20000] [--seeds 1,2,3]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseCatalog } from '../src/catalog/load.js';
import { MODELS_DIR } from '../src/core/paths.js';
import { DEFAULT_POLICIES } from '../src/policies/policy-config.js';
import { comparePolicies } from '../src/simulate/policy-comparison.js';
import { lastQuarterNet } from '../src/simulate/runner.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '20000' }, seeds: { type: 'string', default: '1,2,3' } } });
const ROUNDS = Number(values.rounds);
const SEEDS = values.seeds.split(',').map(Number);
const catalogPath = path.join(MODELS_DIR, 'catalog.yaml');
const catalog = parseCatalog(readFileSync(catalogPath, 'utf8'), catalogPath);
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
const rows: string[] = [];
for (const seed of SEEDS) {
  const started = performance.now();
  const { comparison: c, policies, uniform, ceiling } = await comparePolicies({ catalog, policies: DEFAULT_POLICIES, names: ['default'], seed, rounds: ROUNDS });
  const learned = policies[0]!;
  const gap = (learned.net - uniform.net) / (ceiling.net - uniform.net);
  rows.push(
    `| ${seed} | ${learned.net.toFixed(0)} | ${ratio(learned.net, c.random.net)} | ${ratio(learned.net, uniform.net)} | ${ratio(lastQuarterNet(learned), lastQuarterNet(c.random))} | ${ratio(lastQuarterNet(learned), lastQuarterNet(uniform))} | ${(100 * gap).toFixed(0)}% | ${ratio(learned.complaints, c.random.complaints)} | ${((performance.now() - started) / 1000).toFixed(0)} s |`,
  );
  console.info(rows.at(-1));
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
].join('\n');
writeFileSync(new URL('results/simulator.md', import.meta.url), `${table}\n`);
console.info(table);
