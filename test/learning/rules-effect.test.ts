import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/catalog.js';
import { loadCatalog } from '../../src/catalog/load.js';
import { NO_CONTACT_RULES } from '../../src/rules/contact-rules.js';
import { runSimulation, type SimulationResult } from '../../src/simulate/runner.js';
import { tactService } from '../../src/simulate/tact-service.js';
import { MarketingWorld } from '../../src/simulate/world.js';

const SAMPLE = new URL('../../models/catalog.yaml', import.meta.url).pathname;
const SEEDS = [1, 2, 3];
const ROUNDS = 10_000;

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog(SAMPLE);
});

async function run(seed: number, rules: boolean): Promise<SimulationResult> {
  const world = new MarketingWorld(catalog, { seed, customers: 300 });
  const service = tactService(world, { seed, ...(rules ? {} : { contactRules: NO_CONTACT_RULES }) });
  return runSimulation({ world, service, rounds: ROUNDS, seed: seed + 1 });
}

const total = (rs: readonly SimulationResult[], key: 'conversions' | 'complaints' | 'annoyed' | 'sends') =>
  rs.reduce((s, r) => s + r[key], 0);

describe('contact rules in the simulated world', () => {
  it('cut the complaint proxy while conversions do not drop', async () => {
    const without: SimulationResult[] = [];
    const withRules: SimulationResult[] = [];
    for (const seed of SEEDS) {
      without.push(await run(seed, false));
      withRules.push(await run(seed, true));
    }
    const row = (name: string, rs: SimulationResult[]) =>
      `${name.padEnd(10)} conversions ${total(rs, 'conversions')}  net ${rs.reduce((s, r) => s + r.net, 0).toFixed(0)}  sends ${total(rs, 'sends')}  complaints ${total(rs, 'complaints')}  annoyed ${total(rs, 'annoyed')}`;
    console.info(`${SEEDS.length} seeds x ${ROUNDS} rounds, 300 customers\n${row('no rules', without)}\n${row('rules', withRules)}`);
    // Caps, quiet hours and suppression remove the sends that annoy: a third fewer complaints.
    expect(total(withRules, 'complaints')).toBeLessThan(0.8 * total(without, 'complaints'));
    expect(total(withRules, 'annoyed')).toBeLessThan(0.6 * total(without, 'annoyed'));
    // ...and the sends they remove were not the ones that convert (per-seed counts are noisy; the sum is not).
    expect(total(withRules, 'conversions')).toBeGreaterThanOrEqual(total(without, 'conversions'));
  });
});
