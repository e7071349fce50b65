import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/store/redis/redis-store.js';
import { storeConformance } from './conformance.js';
import { redisFixture } from './redis-fixture.js';
import { deleteByPrefix, REDIS_URL, scanKeys } from './redis-support.js';

storeConformance('redis', (options) => redisFixture({ url: REDIS_URL }, options), { replicas: true });

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

describe('redis-only: request id entries written by earlier versions', () => {
  it('still answer a retried Decide: kept in their own slot, holding the decision id, whose hash holds the answer', async () => {
    const store = await RedisStore.connect({ url: REDIS_URL, prefix: `test-${randomBytes(6).toString('hex')}` });
    try {
      const now = Date.now();
      const decision = { decisionId: 'd-old', customerId: 'c-old', policy: 'default', modelVersion: '', at: now, choices: [], removed: [], holdout: false };
      await store.connection.hset(store.keys.decision('d-old'), { dec: JSON.stringify(decision), exp: String(now + 60_000) });
      await store.connection.set(store.keys.legacyRequest('req-old'), 'd-old', 'PX', 60_000);
      expect(await store.findByRequestId('c-old', 'req-old')).toEqual(decision);
      expect((await store.loadForDecide('c-old', now, 'req-old')).earlier).toEqual(decision);
    } finally {
      await deleteByPrefix(store.connection, store.keys.all());
      await store.close();
    }
  });
});

describe('redis-only: keys expire', () => {
  it('gives every key it writes for a customer a TTL, but consent; the ledger stays within its bound', async () => {
    const store = await RedisStore.connect({ url: REDIS_URL, prefix: `test-${randomBytes(6).toString('hex')}`, ledger: { retentionMs: 3_600_000, maxPerCustomer: 3 } });
    try {
      const now = Date.now();
      const c = 'ttl-cust';
      const f = { numeric: { x: 1 }, categorical: {} };
      await store.setConsent(c, { channels: { email: true }, optOut: false });
      await store.recordEvent(c, { type: 'profile_update', at: now, attributes: f });
      await store.recordEvent(c, { type: 'cart_add', at: now, itemId: 'i', category: 'k' });
      await store.recordEvent(c, { type: 'purchase', at: now, itemId: 'j', category: 'k' });
      await store.recordEvent(c, { type: 'ticket_opened', at: now });
      await store.recordEvent(c, { type: 'message_ignored', at: now, messageId: 'm' });
      await store.reserveSends(c, [{ send: { channel: 'sms', messageId: 'm', at: now }, caps: [] }]);
      const record = {
        decisionId: 'ttl-d', customerId: c, policy: 'default', at: now, expiresAt: now + 60_000,
        context: f, holdout: false, learn: true, combine: 'sum' as const,
        choices: [{ actionId: 'a', channel: 'sms', messageId: 'm', cost: 0, probability: 1, features: f }],
      };
      await store.saveDecision(record, { decisionId: 'ttl-d', customerId: c, policy: 'default', modelVersion: '', at: now, choices: [], removed: [], holdout: false }, 'ttl-req');
      for (let i = 0; i < 5; i++) {
        await store.publish({ policy: 'default', customerId: c, decisionId: 'ttl-d', context: f, actionId: 'a', actionFeatures: f, reward: i });
      }
      // The request id's answer is one of the customer's keys.
      const keys = [...(await scanKeys(store.connection, store.keys.customerPattern(c))), store.keys.decision('ttl-d')];
      expect(keys).toContain(store.keys.request(c, 'ttl-req'));
      expect(keys).toHaveLength(11);
      const ttls = Object.fromEntries(await Promise.all(keys.map(async (k) => [k.slice(store.keys.prefix.length + 1), await store.connection.pttl(k)] as const)));
      for (const [key, ttl] of Object.entries(ttls)) {
        if (key.endsWith(':consent')) expect(ttl, key).toBe(-1);
        else expect(ttl, key).toBeGreaterThan(0);
      }
      expect(ttls[`{c:${c}}:ledger`]).toBeLessThanOrEqual(3_600_000);
      expect(ttls[`{c:${c}}:profile`]).toBeGreaterThan(89 * 86_400_000);
      expect(await store.connection.llen(store.keys.ledger(c))).toBe(3);
    } finally {
      await deleteByPrefix(store.connection, store.keys.all());
      await store.close();
    }
  });
});

describe('redis-only: a ledger written before retention', () => {
  it('still unlearns its entries (they carry no time: kept until the key expires)', async () => {
    const store = await RedisStore.connect({ url: REDIS_URL, prefix: `test-${randomBytes(6).toString('hex')}` });
    try {
      const f = { numeric: { x: 2 }, categorical: { s: 'vip' } };
      const old = { policy: 'default', customerId: 'legacy', decisionId: 'd0', context: f, actionId: 'a', actionFeatures: f, reward: 1 };
      await store.connection.rpush(store.keys.ledger('legacy'), `0123456789abcdef|${JSON.stringify(old)}`, `0123456789abcdef|${JSON.stringify(old)}`);
      await store.publish({ ...old, decisionId: 'd1', reward: 2 });
      expect(await store.connection.llen(store.keys.ledger('legacy'))).toBe(3);
      expect((await store.forgetCustomer('legacy')).updates).toEqual([old, { ...old, decisionId: 'd1', reward: 2 }]);
    } finally {
      await deleteByPrefix(store.connection, store.keys.all());
      await store.close();
    }
  });
});
