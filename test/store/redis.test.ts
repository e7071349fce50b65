import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/store/redis/redis-store.js';
import { storeConformance } from './conformance.js';
import { redisFixture } from './redis-fixture.js';
import { deleteByPrefix, REDIS_URL } from './redis-support.js';

storeConformance('redis', () => redisFixture({ url: REDIS_URL }), { replicas: true });

describe('redis-only: replaying a join whose reply was lost', () => {
  it('reports the landed join with its totals, so its update can still be published', async () => {
    const store = await RedisStore.connect({ url: REDIS_URL, prefix: `test-${randomBytes(6).toString('hex')}` });
    try {
      const now = Date.now();
      const record = {
        decisionId: 'd1', customerId: 'c', policy: 'default', at: now, expiresAt: now + 60_000,
        context: { numeric: {}, categorical: {} }, holdout: false, learn: true, combine: 'sum' as const,
        choices: [{ actionId: 'a', channel: '', messageId: '', cost: 0, probability: 1, features: { numeric: {}, categorical: {} } }],
      };
      await store.saveDecision(record, { decisionId: 'd1', customerId: 'c', policy: 'default', modelVersion: '', at: now, choices: [], removed: [], holdout: false });
      await store.joinReward({ decisionId: 'd1', actionId: '', value: 1, eventId: 'e0', now });
      const first = await store.joinReward({ decisionId: 'd1', actionId: '', value: 2, eventId: 'e1', now });
      expect(first).toMatchObject({ status: 'joined', previousTotal: 1, total: 3 });
      expect(await store.joinReward({ decisionId: 'd1', actionId: '', value: 2, eventId: 'e1', now })).toEqual({ status: 'duplicate' });
      expect(await store.rejoinReward({ decisionId: 'd1', actionId: '', value: 2, eventId: 'e1', now })).toMatchObject({ status: 'joined', actionId: 'a', previousTotal: 1, total: 3 });
    } finally {
      await deleteByPrefix(store.connection, store.keys.all());
      await store.close();
    }
  });
});
