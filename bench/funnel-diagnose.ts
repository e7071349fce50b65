/**
 * Why funnel learning does or does not pay in the simulated world: the
 * funnel policy runs the stream; every 20th decision once the funnel is in
 * use, its estimate, its plain model's (trained on the same decisions) and
 * their average each pick an action greedily among the eligible ones, and
 * the world's expected net value says what each pick lost against the best
 * (regret per decision, by 4,000-decision block). Also the open model's mean
 * absolute error against the world's P(open).
 *
 *   npx tsx bench/funnel-diagnose.ts [--seed 2] [--rounds 12000]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseCatalog } from '../src/catalog/load.js';
import { catalogCandidates } from '../src/catalog/candidates.js';
import { MODELS_DIR } from '../src/core/paths.js';
import { customerTimeZone } from '../src/domain/customer-state.js';
import type { Candidate } from '../src/domain/decision.js';
import type { Features } from '../src/domain/features.js';
import { decisionContext } from '../src/features/decision-context.js';
import { FunnelLearner } from '../src/learners/funnel.js';
import { DEFAULT_LEARNER } from '../src/learners/registry.js';
import { policiesFileSchema } from '../src/policies/policy-config.js';
import { PolicySet } from '../src/policies/policy-set.js';
import { applyContactRules } from '../src/rules/contact-rules.js';
import { runSimulation, type SimulatedService } from '../src/simulate/runner.js';
import { tactService } from '../src/simulate/tact-service.js';
import { MarketingWorld } from '../src/simulate/world.js';

const { values } = parseArgs({ options: { seed: { type: 'string', default: '2' }, rounds: { type: 'string', default: '12000' } } });
const seed = Number(values.seed);
const rounds = Number(values.rounds);
const catalogPath = path.join(MODELS_DIR, 'catalog.yaml');
const catalog = parseCatalog(readFileSync(catalogPath, 'utf8'), catalogPath);
const policies = policiesFileSchema.parse({ default: 'funnel', policies: [{ name: 'funnel', learner: { kind: 'funnel', model: DEFAULT_LEARNER } }] });
const world = new MarketingWorld(catalog, { seed, customers: 500 });
const inner = tactService(world, { policies: PolicySet.fromConfig(policies), seed });
const learner = inner.tact.policies.find('funnel')?.learner;
if (!(learner instanceof FunnelLearner)) throw new Error('the funnel policy has no funnel learner');
const funnel = learner;

type Estimates = { readonly funnel: Float64Array; readonly plain: Float64Array; readonly open: Float64Array };
const sums = new Map<string, { n: number; total: number }>();
const add = (key: string, n: number, total: number): void => {
  const s = sums.get(key) ?? { n: 0, total: 0 };
  s.n += n;
  s.total += total;
  sums.set(key, s);
};
const argmax = (xs: ArrayLike<number>): number => {
  let k = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[k]!) k = i;
  return k;
};

function estimates(ctx: Features, eligible: readonly Candidate[]): Estimates {
  const buffers = () => ({ mean: new Float64Array(eligible.length), width: new Float64Array(eligible.length) });
  const [f, p, o] = [buffers(), buffers(), buffers()];
  funnel.score(funnel.prepare(ctx), eligible, f);
  const parts = funnel.parts();
  parts.plain.score(parts.plain.prepare(ctx), eligible, p);
  parts.open.score(parts.open.prepare(ctx), eligible, o);
  return { funnel: f.mean, plain: p.mean, open: o.mean };
}

let n = 0;
const service: SimulatedService = {
  ...inner,
  async decide(input, view) {
    const customer = world.customer(view.id);
    if (n++ % 20 === 0 && funnel.inUse && customer) {
      const state = await inner.tact.store.loadCustomer(input.customerId, input.at);
      const candidates = catalogCandidates(catalog, input.trigger, input.at, customerTimeZone(state));
      const { eligible } = applyContactRules(inner.tact.contactRules.rules, { state, at: input.at, catalog, candidates });
      const truth = eligible.map((c) => world.expected(customer, c, input.at));
      const best = Math.max(...truth.map((t) => t.expectedNet));
      const e = estimates(decisionContext(state, input.at, input.context, input.trigger), eligible);
      const average = e.funnel.map((x, i) => (x + e.plain[i]!) / 2);
      const block = Math.floor(n / 4000);
      for (const [name, mean] of [['funnel', e.funnel], ['plain', e.plain], ['average', average]] as const) {
        add(`${name} regret, block ${block}`, 1, best - truth[argmax(mean)]!.expectedNet);
      }
      eligible.forEach((c, i) => {
        if (!c.noSend) add(`open model MAE, block ${block}`, 1, Math.abs(Math.min(1, Math.max(0, e.open[i]!)) - truth[i]!.pOpen));
      });
    }
    return inner.decide(input, view);
  },
};
const result = await runSimulation({ world, service, rounds, seed: seed + 1 });
console.info(`seed ${seed}, ${rounds} decisions: net ${result.net.toFixed(0)}, ${result.sends} sends, ${result.opens} opened`);
for (const [key, s] of [...sums].sort()) console.info(`${key}: ${(s.total / s.n).toFixed(3)} (${s.n})`);
