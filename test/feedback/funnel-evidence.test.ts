import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { features } from '../../src/domain/features.js';
import type { Candidate } from '../../src/domain/decision.js';
import { ReceiptJoiner } from '../../src/feedback/receipts.js';
import { createTact, type Tact } from '../../src/main.js';
import { parsePolicies } from '../../src/policies/load-policies.js';
import { PolicySet } from '../../src/policies/policy-set.js';
import type { LearningUpdate } from '../../src/store/store.js';

const candidate = (id: string, channel: string, cost: number): Candidate => ({
  id, channel, messageId: `m-${id}`, sendSlot: '', sendAt: 0, noSend: false, cost, features: features({}, { channel }),
});
const CANDIDATES = [candidate('email', 'email', 0.1), candidate('sms', 'sms', 0.5)];

/** A Tact on a fake clock with the given policies file, recording every learning update it publishes. */
function tactWith(policiesYaml: string): { tact: Tact; clock: ManualClock; published: LearningUpdate[]; receipts: ReceiptJoiner } {
  const clock = new ManualClock();
  const policies = PolicySet.fromConfig(parsePolicies(policiesYaml, 'policies.yaml'));
  let id = 0;
  const tact = createTact(configSchema.parse({ logLevel: 'silent' }), { clock, policies, seed: 1, newId: () => (id++).toString(16).padStart(16, '0') });
  const published: LearningUpdate[] = [];
  tact.store.subscribe((u) => published.push(u));
  return { tact, clock, published, receipts: new ReceiptJoiner({ store: tact.store, policies: tact.policies, log: tact.log, clock }) };
}

/** Three decisions: one opened twice (receipts resent) and converting, one opened, one ignored; then their windows close. */
async function play({ tact, clock, receipts }: ReturnType<typeof tactWith>): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const d = await tact.engine.decide({ customerId: `c${i}`, trigger: 't', context: features({ x: i }), candidates: CANDIDATES, topK: 1, at: clock.now(), explain: false });
    ids.push(d.decisionId);
  }
  const at = clock.now();
  await receipts.join({ decisionId: ids[0]!, event: 'opened', at });
  await receipts.join({ decisionId: ids[0]!, event: 'clicked', at });
  await receipts.join({ decisionId: ids[0]!, event: 'opened', at });
  await tact.joiner.reward({ decisionId: ids[0]!, value: 40 });
  await tact.joiner.reward({ decisionId: ids[0]!, value: 2 });
  await receipts.join({ decisionId: ids[1]!, event: 'clicked', at });
  await receipts.join({ decisionId: ids[2]!, event: 'ignored', at });
  clock.advance(2 * 86_400_000);
  await tact.joiner.sweep();
  return ids;
}

describe('funnel evidence', () => {
  it('closes each window with the whole outcome and whether it was engaged with, once per action', async () => {
    const t = tactWith('policies:\n  - name: default\n    learner: { kind: funnel }\n    holdout: 0\n');
    const ids = await play(t);
    const evidence = t.published.filter((u) => u.funnel).sort((a, b) => a.decisionId.localeCompare(b.decisionId));
    const cost = (u: LearningUpdate) => CANDIDATES.find((c) => c.id === u.actionId)!.cost;
    expect(evidence.map((u) => [u.decisionId, u.funnel?.engaged, u.reward + cost(u)])).toEqual([
      [ids[0], true, 42],
      [ids[1], true, 0],
      [ids[2], false, 0],
    ]);
    // The rewards were learned as joined too, and the default one at the close.
    expect(t.published.filter((u) => !u.funnel).map((u) => u.decisionId).sort()).toEqual([ids[0], ids[0], ids[1], ids[2]]);
    const learner = t.tact.policies.find('default')!.learner;
    expect(learner.updates).toBe(4 + 3 + 3); // plain 4; P(open) 3 (all sends); outcome models 3
  });

  it('publishes no funnel evidence when no policy learns from it', async () => {
    const t = tactWith('policies:\n  - name: default\n    holdout: 0\n');
    await play(t);
    expect(t.published.filter((u) => u.funnel)).toEqual([]);
    expect(t.published).toHaveLength(4);
  });
});
