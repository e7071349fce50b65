import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCatalog } from '../catalog/load.js';
import { MODELS_DIR } from '../core/paths.js';
import { loadPolicies } from '../policies/load-policies.js';
import { DEFAULT_POLICIES } from '../policies/policy-config.js';
import { comparePolicies } from '../simulate/policy-comparison.js';
import { formatComparison } from '../simulate/runner.js';
import { parseNumber, processIo, runCommand, type CommandIo } from './command.js';

export const SIMULATE_USAGE = `usage: tact simulate [--rounds N] [--customers N] [--seed S] [--catalog FILE] [--policies FILE] [--policy NAME ...]

Runs Tact's policies in a synthetic marketing world (customers with hidden
preferences, fatigue, carts, conversions with money value) and prints each
policy's cumulative net value against baselines: uniform choice and the
oracle under the same contact rules (the fair floor and ceiling), and the
rule-free random, no-send and oracle.`;

/** `tact simulate`: policies vs random vs oracle in the synthetic world; returns the exit code. */
export async function runSimulate(argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  const options = {
    rounds: { type: 'string' },
    customers: { type: 'string' },
    seed: { type: 'string' },
    catalog: { type: 'string', default: path.join(MODELS_DIR, 'catalog.yaml') },
    policies: { type: 'string' },
    policy: { type: 'string', multiple: true },
  } as const;
  return runCommand({ name: 'simulate', usage: SIMULATE_USAGE, options }, argv, io, async ({ values }) => {
    const rounds = parseNumber('rounds', values.rounds, isCount) ?? 20000;
    const customers = parseNumber('customers', values.customers, isCount) ?? 500;
    const seed = parseNumber('seed', values.seed, Number.isInteger) ?? 1;
    const catalog = parseCatalog(readFileSync(values.catalog, 'utf8'), values.catalog);
    const policiesFile = values.policies ? loadPolicies(values.policies) : DEFAULT_POLICIES;
    const names = values.policy ?? [policiesFile.default ?? policiesFile.policies[0]!.name];
    const { comparison } = await comparePolicies({ catalog, policies: policiesFile, names, seed, rounds, customers });
    io.stdout.write(`${formatComparison(comparison)}\n`);
  });
}

const isCount = (x: number): boolean => Number.isInteger(x) && x >= 1;
