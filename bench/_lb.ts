import { readFileSync } from 'node:fs';
import { parseCatalog } from '../src/catalog/load.js';
import { policiesFileSchema } from '../src/policies/policy-config.js';
import { PolicySet } from '../src/policies/policy-set.js';
import { compareWithBaselines } from '../src/simulate/runner.js';
import { tactService } from '../src/simulate/tact-service.js';
import { MarketingWorld } from '../src/simulate/world.js';
const catalog = parseCatalog(readFileSync('models/catalog.yaml', 'utf8'), 'c');
const rounds = Number(process.env.ROUNDS ?? 3000); const customers = Number(process.env.CUST ?? 400);
const combos: Array<[string, any]> = JSON.parse(process.argv[2]!);
for (const seed of [1, 2]) {
  const c = await compareWithBaselines({
    makeWorld: () => new MarketingWorld(catalog, { seed, customers }),
    services: combos.map(([name, pol]) => (w: MarketingWorld) => tactService(w, { name, policies: PolicySet.fromConfig(policiesFileSchema.parse({ policies: [{ name: 'b', ...pol }] })), seed })),
    rounds, seed,
  });
  console.log(`seed ${seed} random ${(100 * c.random.net / c.oracle.net).toFixed(1)}% ` + c.results.map((r) => `${r.policy} ${(100 * r.net / c.oracle.net).toFixed(1)}%`).join(' | '));
}
