import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseCatalog } from '../catalog/load.js';
import { MODELS_DIR } from '../core/paths.js';
import { loadPolicies } from '../policies/load-policies.js';
import { DEFAULT_POLICIES } from '../policies/policy-config.js';
import { PolicySet } from '../policies/policy-set.js';
import { compareWithBaselines, formatComparison } from '../simulate/runner.js';
import { tactService } from '../simulate/tact-service.js';
import { MarketingWorld } from '../simulate/world.js';

const USAGE = `tact simulate [--rounds N] [--customers N] [--seed S] [--catalog FILE] [--policies FILE] [--policy NAME ...]

Runs Tact's policies in a synthetic marketing world (customers with hidden
preferences, fatigue, carts, conversions with money value) and prints each
policy's cumulative net value against random, no-send and the oracle.`;

/** `tact simulate`: policies vs random vs oracle in the synthetic world. */
export async function runSimulate(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string', default: '20000' },
      customers: { type: 'string', default: '500' },
      seed: { type: 'string', default: '1' },
      catalog: { type: 'string', default: path.join(MODELS_DIR, 'catalog.yaml') },
      policies: { type: 'string' },
      policy: { type: 'string', multiple: true },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const catalog = parseCatalog(readFileSync(values.catalog, 'utf8'), values.catalog);
  const seed = Number(values.seed);
  const policiesFile = values.policies ? loadPolicies(values.policies) : DEFAULT_POLICIES;
  const names = values.policy ?? [policiesFile.default ?? policiesFile.policies[0]!.name];
  const comparison = await compareWithBaselines({
    makeWorld: () => new MarketingWorld(catalog, { seed, customers: Number(values.customers) }),
    services: names.map(
      (name) => (world: MarketingWorld) =>
        tactService(world, { policy: name, policies: PolicySet.fromConfig(policiesFile), seed }),
    ),
    rounds: Number(values.rounds),
    seed: seed + 1,
  });
  process.stdout.write(`${formatComparison(comparison)}\n`);
  return 0;
}
