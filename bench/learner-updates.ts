/**
 * Learner update throughput in process: LearningUpdates applied through
 * Policy.apply (what every replica does for every joined or default reward),
 * default policy, 100 actions with features, 5-feature context.
 *   npx tsx bench/learner-updates.ts [--updates 50000]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_POLICIES } from '../src/policies/policy-config.js';
import { PolicySet } from '../src/policies/policy-set.js';
import type { LearningUpdate } from '../src/store/store.js';
import { decideRequest } from './load/messages.js';

export async function runLearnerUpdates(updates = 50_000): Promise<{ updatesPerSecond: number; updates: number }> {
  const policy = PolicySet.fromConfig(DEFAULT_POLICIES).get();
  const req = decideRequest(100);
  const ctx = req.context as { numeric: Record<string, number>; categorical: Record<string, string> };
  const make = (i: number): LearningUpdate => {
    const c = req.candidates![i % 100]!;
    const f = c.features as { numeric: Record<string, number>; categorical: Record<string, string> };
    return {
      policy: policy.name,
      customerId: 'c',
      decisionId: `d${i}`,
      context: { numeric: { ...ctx.numeric, basket_value: (i % 50) * 3 }, categorical: { ...ctx.categorical, trigger: 'cart_abandoned' } },
      actionId: c.id as string,
      actionFeatures: f,
      reward: i % 9 === 0 ? 20 : 0,
    };
  };
  for (let i = 0; i < 5000; i++) policy.apply(make(i));
  const batch = Array.from({ length: updates }, (_, i) => make(i + 5000));
  const start = process.hrtime.bigint();
  for (const u of batch) policy.apply(u);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { updates, updatesPerSecond: updates / seconds };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { updates: { type: 'string', default: '50000' } } });
  const f = await runLearnerUpdates(Number(values.updates));
  const line = `Default learner, 100 actions: ${f.updatesPerSecond.toFixed(0)} updates/s in process (${f.updates} updates).`;
  console.log(line);
  writeFileSync(new URL('./results/learner-updates.md', import.meta.url), `# Learner update throughput (${new Date().toISOString()})\n\n${line}\n`);
}
