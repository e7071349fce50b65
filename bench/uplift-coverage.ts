/**
 * Per-combination uplift (tact uplift --by) against the simulated world's
 * known truth: over many world seeds, the share of combinations whose 95%
 * interval holds the true uplift, per estimator (ips, dr, holdout). Only
 * combinations with enough data count (the rest are flagged "few" by the
 * estimator, as the CLI flags them). The logging policy is the default
 * learner explored epsilon-greedy with a 10% control holdout. Written to
 * bench/results/uplift-coverage.md.
 * --log PATH keeps the last seed's decision log (for `tact uplift --log PATH --by ...`).
 * --min-rewarded N: the estimator's threshold for "few" (default 10, the CLI's); other values write results/uplift-coverage-minN.md.
 *   npx tsx bench/uplift-coverage.ts [--seeds 1-12] [--rounds 8000] [--epsilon 0.5] [--by trigger,channel] [--min-rewarded 10] [--log PATH]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatalog } from '../src/catalog/load.js';
import { MODELS_DIR } from '../src/core/paths.js';
import type { UpliftKey } from '../src/evaluation/combination-uplift.js';
import { policiesFileSchema } from '../src/policies/policy-config.js';
import { PolicySet } from '../src/policies/policy-set.js';
import { checkUpliftAgainstTruth, coverage, type CombinationCheck } from '../src/simulate/uplift-truth.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1-12' },
    rounds: { type: 'string', default: '8000' },
    epsilon: { type: 'string', default: '0.5' },
    by: { type: 'string', default: 'trigger,channel' },
    log: { type: 'string' },
    'min-rewarded': { type: 'string', default: '10' },
  },
});
const [from, to] = values.seeds.includes('-') ? values.seeds.split('-').map(Number) : [Number(values.seeds), Number(values.seeds)];
const seeds = Array.from({ length: (to as number) - (from as number) + 1 }, (_, i) => (from as number) + i);
const rounds = Number(values.rounds);
const epsilon = Number(values.epsilon);
const by = values.by.split(',') as UpliftKey[];
const minRewarded = Number(values['min-rewarded']);
const catalog = await loadCatalog(path.join(MODELS_DIR, 'catalog.yaml'));
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '-');
const all: CombinationCheck[] = [];
const rows: string[] = [];
const started = performance.now();
for (const seed of seeds) {
  const t = performance.now();
  const policies = PolicySet.fromConfig(policiesFileSchema.parse({ policies: [{ name: 'logger', holdout: 0.1, exploration: { kind: 'epsilon-greedy', epsilon } }] }));
  const checks = await checkUpliftAgainstTruth({ catalog, policies, seed, rounds, by, minRewarded, ...(values.log ? { logPath: values.log } : {}) });
  all.push(...checks);
  const c = coverage(checks);
  rows.push(`| ${seed} | ${checks.length} | ${c.combinations} | ${pct(c.ips)} | ${pct(c.dr)} | ${pct(c.holdout)} | ${((performance.now() - t) / 1000).toFixed(0)} s |`);
  console.info(rows.at(-1));
}
const total = coverage(all);
const misses = all
  .filter((c) => !c.estimate.tooLittleData && !(c.estimate.dr.ciLow <= c.truth && c.truth <= c.estimate.dr.ciHigh))
  .map((c) => `${Object.values(c.estimate.key).join(' x ')}: truth ${c.truth.toFixed(3)}, dr ${c.estimate.dr.value.toFixed(3)} [${c.estimate.dr.ciLow.toFixed(3)}, ${c.estimate.dr.ciHigh.toFixed(3)}] (${c.estimate.chosenRewarded} rewarded, ${c.estimate.chosenEffective.toFixed(1)} effective; no-send ${c.estimate.noSendRewarded}, ${c.estimate.noSendEffective.toFixed(1)})`);
const text = [
  `# Uplift per ${by.join(' x ')} against the simulator's truth (${new Date().toISOString()})`,
  '',
  `${seeds.length} world seeds, ${rounds} decisions each, 500 customers; logging policy: default learner, epsilon-greedy ${epsilon}, 10% holdout.`,
  'Truth: at each decision the world\'s expected reward of every candidate (after the contact rules), so a',
  'combination\'s true uplift is the mean over the decisions estimated from of sum p_a / P(K) E[r|a] - E[r|no send].',
  `Counted: combinations not flagged "few" (>= 30 decisions chose it and no-send; >= ${minRewarded} effective conversions behind it, and behind no-send when it converted at all).`,
  '',
  '| world seed | combinations | with enough data | ips covers | dr covers | holdout covers | run time |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
  `| all | ${all.length} | ${total.combinations} | ${pct(total.ips)} | ${pct(total.dr)} | ${pct(total.holdout)} (${total.holdoutCombinations}) | ${((performance.now() - started) / 1000).toFixed(0)} s |`,
  '',
  `Nominal: 95%. dr misses (${misses.length}):`,
  ...misses.map((m) => `- ${m}`),
  '',
  `Command: npx tsx bench/uplift-coverage.ts --seeds ${values.seeds} --rounds ${rounds} --epsilon ${epsilon} --by ${values.by} --min-rewarded ${minRewarded}`,
].join('\n');
if (!values.log) writeFileSync(new URL(minRewarded === 10 ? 'results/uplift-coverage.md' : `results/uplift-coverage-min${minRewarded}.md`, import.meta.url), `${text}\n`);
console.info(text);
