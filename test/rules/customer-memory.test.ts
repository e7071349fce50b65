import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { LearningUpdate, SendReservation } from '../../src/store/store.js';
import { EMPTY_FEATURES } from '../../src/domain/features.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5, 12);

const sms = (at: number, messageId = 'm1'): SendReservation => ({
  send: { channel: 'sms', messageId, at },
  caps: [
    { key: 'channel:sms', max: 1, windowMs: 24 * HOUR },
    { key: 'message:m1', max: 2, windowMs: 24 * 7 * HOUR },
  ],
});

describe('MemoryStore as a CustomerStore', () => {
  it('keeps the cart, purchases, tickets, ignores and profile', async () => {
    const s = new MemoryStore();
    await s.recordEvent('c', { type: 'cart_add', at: T0, itemId: 'x', category: 'shoes' });
    await s.recordEvent('c', { type: 'cart_add', at: T0 + 1, itemId: 'y', category: 'home' });
    await s.recordEvent('c', { type: 'cart_add', at: T0 + 2, itemId: 'x', category: 'shoes' });
    await s.recordEvent('c', { type: 'purchase', at: T0 + 3, itemId: 'y', category: 'home' });
    await s.recordEvent('c', { type: 'ticket_opened', at: T0 });
    await s.recordEvent('c', { type: 'message_ignored', at: T0, messageId: 'm' });
    await s.recordEvent('c', { type: 'profile_update', at: T0, attributes: { numeric: { age: 30 }, categorical: {} } });
    const st = await s.loadCustomer('c', T0);
    expect(st.cart.map((c) => c.itemId)).toEqual(['x']);
    expect(st.purchases.map((c) => c.itemId)).toEqual(['y']);
    expect(st.openTickets).toBe(1);
    expect(st.ignored).toEqual([{ messageId: 'm', at: T0 }]);
    expect(st.profile.numeric).toEqual({ age: 30 });
    await s.recordEvent('c', { type: 'message_clicked', at: T0, messageId: 'm' });
    await s.recordEvent('c', { type: 'ticket_closed', at: T0 });
    await s.recordEvent('c', { type: 'ticket_closed', at: T0 });
    const after = await s.loadCustomer('c', T0);
    expect(after.ignored).toEqual([]);
    expect(after.openTickets).toBe(0);
  });

  it('merges consent patches; unsubscribe refuses a channel or all marketing', async () => {
    const s = new MemoryStore();
    await s.setConsent('c', { channels: { email: true, sms: true }, timeZone: 'Europe/Berlin' });
    await s.setConsent('c', { channels: { sms: false } });
    await s.recordEvent('c', { type: 'unsubscribe', at: T0, channel: 'email' });
    let st = await s.loadCustomer('c', T0);
    expect(st.consent.channels).toEqual({ email: false, sms: false });
    expect(st.consent.timeZone).toBe('Europe/Berlin');
    expect(st.consent.optOut).toBe(false);
    await s.recordEvent('c', { type: 'unsubscribe', at: T0 });
    st = await s.loadCustomer('c', T0);
    expect(st.consent.optOut).toBe(true);
  });

  it('reserves sends atomically: all or none, windows count either side', async () => {
    const s = new MemoryStore();
    expect(await s.reserveSends('c', [sms(T0)])).toBe(-1);
    expect(await s.reserveSends('c', [sms(T0 + 23 * HOUR)])).toBe(0);
    // A send scheduled earlier than a recorded one still counts it.
    expect(await s.reserveSends('c', [sms(T0 - 23 * HOUR)])).toBe(0);
    expect(await s.reserveSends('c', [sms(T0 + 24 * HOUR)])).toBe(-1);
    // Message cap 2/week is now full; the batch fails as a whole at index 1.
    const email: SendReservation = { send: { channel: 'email', messageId: 'm1', at: T0 + 72 * HOUR }, caps: [{ key: 'message:m1', max: 2, windowMs: 168 * HOUR }] };
    const push: SendReservation = { send: { channel: 'push', messageId: 'm2', at: T0 }, caps: [] };
    expect(await s.reserveSends('c', [push, email])).toBe(1);
    expect((await s.loadCustomer('c', T0)).sends).toHaveLength(2);
  });

  it('forgets everything keyed by the customer and returns the ledger in order', async () => {
    const s = new MemoryStore();
    const update = (customerId: string, reward: number, previousReward?: number): LearningUpdate => ({
      policy: 'p',
      customerId,
      decisionId: `d-${customerId}`,
      context: EMPTY_FEATURES,
      actionId: 'a',
      actionFeatures: EMPTY_FEATURES,
      reward,
      ...(previousReward === undefined ? {} : { previousReward }),
    });
    for (const id of ['gone', 'kept']) {
      await s.setConsent(id, { optOut: true });
      await s.saveDecision(
        { decisionId: `d-${id}`, customerId: id, policy: 'p', at: T0, expiresAt: T0 + HOUR, context: EMPTY_FEATURES, choices: [], holdout: false, learn: true, combine: 'sum' },
        { decisionId: `d-${id}`, customerId: id, policy: 'p', modelVersion: 'p@0', at: T0, choices: [], removed: [], holdout: false },
        `req-${id}`,
      );
      await s.publish(update(id, 1));
      await s.publish(update(id, 3, 1));
    }
    await s.publish({ ...update('gone', 1), unlearn: true });
    const result = await s.forgetCustomer('gone');
    expect(result.decisionsErased).toBe(1);
    expect(result.updates.map((u) => [u.reward, u.previousReward])).toEqual([[1, undefined], [3, 1]]);
    const keys = s.debugCustomerKeys();
    for (const list of Object.values(keys)) {
      expect(list).not.toContain('gone');
      expect(list).toContain('kept');
    }
    expect(await s.findByRequestId('gone', 'req-gone')).toBeUndefined();
    expect(await s.findByRequestId('kept', 'req-kept')).toBeDefined();
    expect((await s.forgetCustomer('gone')).updates).toEqual([]);
  });
});
