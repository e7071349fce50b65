import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { idempotencyKey } from '../../src/core/idempotency-key.js';
import { decisionRecord } from '../../src/decision/record.js';
import type { Decision } from '../../src/domain/decision.js';
import { createTact } from '../../src/main.js';

/**
 * A retried Decide (same request id) gets the earlier answer only if that
 * answer's sends hold their reservations. Decide saves each arbitration
 * attempt together with its reservation; if an attempt's reservation was
 * refused (a cap, a campaign's budget) and the process died before the next
 * attempt was saved, the stored answer names a send nothing reserved.
 * Answering it would let the retry deliver past a cap or a budget.
 */
describe('a retried Decide and the reservations of its earlier answer', () => {
  const at = Date.UTC(2026, 11, 2, 12);
  const setup = () => {
    const clock = new ManualClock(at);
    const tact = createTact(configSchema.parse({ logLevel: 'silent', seed: 3 }), { clock });
    return { tact, clock };
  };
  const input = { customerId: 'c1', trigger: 'cart_abandoned', context: { numeric: {}, categorical: {} }, topK: 1, at, explain: false, requestId: 'r-1' };

  it('answers the earlier decision when its sends were reserved', async () => {
    const { tact } = setup();
    const first = await tact.engine.decide(input);
    const again = await tact.engine.decide(input);
    expect(again).toEqual(first);
  });

  it('decides again when the stored answer names a send that was never reserved', async () => {
    const { tact, clock } = setup();
    // What a crashed replica leaves: an attempt's decision saved, its reservation refused, no re-save.
    const stale: Decision = {
      decisionId: 'stale', customerId: 'c1', policy: 'default', modelVersion: 'default@0', at, holdout: false, removed: [],
      choices: [{ actionId: 'cart_shoes:sms:now', messageId: 'cart_shoes', channel: 'sms', sendSlot: 'now', probability: 0.5, score: 0, sendAt: at, noSend: false, explored: false }],
    };
    const record = decisionRecord(stale, clock.now() + 86_400_000, { numeric: {}, categorical: {} }, [], 'sum');
    await tact.store.saveDecision(record, stale, idempotencyKey(['c1', '', 'r-1']));
    const answer = await tact.engine.decide(input);
    expect(answer.decisionId).not.toBe('stale');
    // And the new answer is the one a further retry gets.
    expect(await tact.engine.decide(input)).toEqual(answer);
  });
});
