import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { forgetCustomer } from '../../src/feedback/forget-customer.js';
import { RedisTriggerState } from '../../src/triggers/redis-trigger-state.js';
import { deleteByPrefix, REDIS_URL, scanKeys } from '../store/redis-support.js';
import { journeyHarness, MINUTE, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const forget = (h: Harness, customerId: string) => forgetCustomer({ store: h.tact.store, log: h.log, journeys: h.journeys }, customerId);

describe('ForgetCustomer and journeys', () => {
  it("takes the customer's waiting cart timer out: nothing fires, nothing is sent; others are untouched", async () => {
    h = journeyHarness();
    await h.event({ customer_id: 'gone', type: 'CART_ADD', item_id: 'sneaker-1', category: 'shoes' });
    await h.event({ customer_id: 'stays', type: 'CART_ADD', item_id: 'sneaker-2', category: 'shoes' });
    await h.advance(10 * MINUTE);
    expect((await forget(h, 'gone')).journeyJobsRemoved).toBe(1);
    await h.advance(60 * MINUTE);
    expect(h.counts.fired).toEqual(['cart_abandoned']);
    expect(h.receiver.attempts.map((a) => a.data['customer_id'])).toEqual(['stays']);
  });

  it('takes a send decided for the evening out of its queue before it goes', async () => {
    h = journeyHarness();
    await h.event({ customer_id: 'gone', type: 'CUSTOM', name: 'product_view', category: 'outerwear' });
    await h.advance(31 * MINUTE);
    // Fired and decided at 12:30, queued for 19:00.
    expect(h.counts.fired).toEqual(['browse_abandoned']);
    expect((await forget(h, 'gone')).journeyJobsRemoved).toBe(1);
    await h.advance(8 * 60 * MINUTE);
    expect(h.receiver.attempts).toHaveLength(0);
    expect(h.counts.outcomes).toEqual([]);
  });

  it('cancels a send whose decision was erased after it was queued (a forget racing the queueing)', async () => {
    h = journeyHarness();
    await h.event({ customer_id: 'gone', type: 'CUSTOM', name: 'product_view', category: 'outerwear' });
    await h.advance(31 * MINUTE);
    expect(h.counts.fired).toEqual(['browse_abandoned']);
    // The forget's erase ran, but the queued send was recorded only after it,
    // so the forget did not take it out of its queue.
    await h.tact.store.forgetCustomer('gone');
    await h.advance(8 * 60 * MINUTE);
    expect(h.receiver.attempts).toHaveLength(0);
    expect(h.counts.outcomes.map((o) => [o.outcome, o.reason])).toEqual([['cancelled', 'decision_gone']]);
  });

  describe('Redis trigger state', () => {
    const prefix = `jforget-${randomBytes(5).toString('hex')}`;
    const redis = new Redis(REDIS_URL);
    afterAll(async () => {
      await deleteByPrefix(redis, `${prefix}:*`);
      redis.disconnect();
    });

    it("erases every key of the customer (seen events, pending timers, re-entry claims, queued sends) and names the jobs", async () => {
      const state = new RedisTriggerState(redis, prefix, 3_600_000);
      for (const c of ['gone', 'stays']) {
        await state.noteEvents(c, ['purchase|*'], 1000);
        await state.addPending(c, { jobId: `t-${c}`, trigger: 'cart_abandoned', startedAt: 1000, dueAt: 2000 });
        expect(await state.claimFiring(c, 'cart_abandoned|x', `f-${c}`, 60_000, 1000)).toBe(true);
        await state.addSend(c, { id: `msg-${c}`, channel: 'email' });
      }
      expect(await state.forget('gone')).toEqual({ timers: ['t-gone'], sends: [{ id: 'msg-gone', channel: 'email' }] });
      expect(await scanKeys(redis, `${prefix}:{j:gone}*`)).toEqual([]);
      // A new entry for the forgotten customer is not refused by an old claim.
      expect(await state.claimFiring('gone', 'cart_abandoned|x', 'f-new', 60_000, 1000)).toBe(true);
      expect((await scanKeys(redis, `${prefix}:{j:stays}*`)).length).toBe(5);
    });
  });
});
