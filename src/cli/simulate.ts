import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCatalog } from '../catalog/load.js';
import { MODELS_DIR } from '../core/paths.js';
import { loadPolicies } from '../policies/load-policies.js';
import { DEFAULT_POLICIES } from '../policies/policy-config.js';
import { compareJourneys, formatJourneyComparison } from '../simulate/journey-comparison.js';
import { comparePolicies } from '../simulate/policy-comparison.js';
import { formatComparison } from '../simulate/runner.js';
import { parseNumber, processIo, runCommand, type CommandIo } from './command.js';

export const SIMULATE_USAGE = `usage: tact simulate [--rounds N] [--customers N] [--seed S] [--catalog FILE] [--policies FILE] [--policy NAME ...]
       tact simulate --journeys [--events N] [--customers N] [--seed S] [--catalog FILE] [--policies FILE] [--policy NAME ...]

Runs Tact's policies in a synthetic marketing world (customers with hidden
preferences, fatigue, carts, conversions with money value) and prints each
policy's cumulative net value against baselines: uniform choice and the
oracle under the same contact rules (the fair floor and ceiling), and the
rule-free random, no-send and oracle.

--journeys: the customers emit events instead (cart adds, purchases, app
opens, page views, order shipped, message receipts) through RecordEvent on a
fake clock; the catalog's trigger rules fire, sends are delivered at send_at
after the send-time re-check. Prints the triggers started, fired and
cancelled (by reason), and per policy (and uniform choice, and no-send) the
sends, conversions and net value against no-send. --events: customer events
(default 20000, 3 simulated minutes apart).`;

/** `tact simulate`: policies vs random vs oracle in the synthetic world; returns the exit code. */
export async function runSimulate(argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  const options = {
    rounds: { type: 'string' },
    customers: { type: 'string' },
    seed: { type: 'string' },
    catalog: { type: 'string', default: path.join(MODELS_DIR, 'catalog.yaml') },
    policies: { type: 'string' },
    policy: { type: 'string', multiple: true },
    journeys: { type: 'boolean', default: false },
    events: { type: 'string' },
  } as const;
  return runCommand({ name: 'simulate', usage: SIMULATE_USAGE, options }, argv, io, async ({ values }) => {
    const rounds = parseNumber('rounds', values.rounds, isCount) ?? 20000;
    const customers = parseNumber('customers', values.customers, isCount) ?? 500;
    const seed = parseNumber('seed', values.seed, Number.isInteger) ?? 1;
    const catalog = parseCatalog(readFileSync(values.catalog, 'utf8'), values.catalog);
    const policiesFile = values.policies ? loadPolicies(values.policies) : DEFAULT_POLICIES;
    const names = values.policy ?? [policiesFile.default ?? policiesFile.policies[0]!.name];
    if (values.journeys) {
      const events = parseNumber('events', values.events, isCount) ?? 20000;
      const journeys = await compareJourneys({ catalog, policies: policiesFile, names, seed, events, customers });
      io.stdout.write(`${formatJourneyComparison(journeys)}\n`);
      return;
    }
    const { comparison } = await comparePolicies({ catalog, policies: policiesFile, names, seed, rounds, customers });
    io.stdout.write(`${formatComparison(comparison)}\n`);
  });
}

const isCount = (x: number): boolean => Number.isInteger(x) && x >= 1;
