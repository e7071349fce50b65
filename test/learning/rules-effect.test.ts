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
  it('cut the complaint proxy while conversions stay within a tenth', async () => {
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
    // ...and the sends they remove were mostly not the ones that convert: a third fewer sends, each
    // more likely to convert, and conversions within a tenth. Three seeds' conversions (about 1,000)
    // differ by about 4.5% sd between two trajectories of the same policy: the sign of the difference
    // is noise. Over seeds 1-6 with the default (a shrinking floor) rules cost 3.5% of conversions
    // (1950 against 2020); with a floor held at 1% they gained 1.3% (1955 against 1930).
    const perSend = (rs: SimulationResult[]) => total(rs, 'conversions') / total(rs, 'sends');
    expect(perSend(withRules)).toBeGreaterThan(1.2 * perSend(without));
    expect(total(withRules, 'conversions')).toBeGreaterThan(0.9 * total(without, 'conversions'));
  });
});
