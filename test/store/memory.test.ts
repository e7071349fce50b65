import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { storeConformance } from './conformance.js';

storeConformance('memory', async (options = {}) => {
  const store = new MemoryStore(options);
  return {
    store,
    residue: async (customerId) =>
      Object.entries(store.debugCustomerKeys()).flatMap(([where, ids]) => (ids.includes(customerId) ? [where] : [])),
    cleanup: () => store.close(),
  };
});

describe('memory store bounds', () => {
  const DAY = 86_400_000;
  const T0 = Date.UTC(2026, 0, 5, 12);
  const f = { numeric: {}, categorical: {} };
  const update = (customerId: string, reward: number) => ({ policy: 'p', customerId, decisionId: 'd', context: f, actionId: 'a', actionFeatures: f, reward });
  const record = (decisionId: string, customerId: string, expiresAt: number) => ({
    decisionId, customerId, policy: 'p', at: T0, expiresAt, context: f, holdout: false, learn: true, combine: 'sum' as const,
    choices: [{ actionId: 'a', channel: 'email', messageId: 'm', cost: 0, probability: 1, features: f }],
  });
  const decision = (decisionId: string) => ({ decisionId, customerId: 'c', policy: 'p', modelVersion: '', at: T0, choices: [], removed: [], holdout: false });

  it('evicts the least recently active customer beyond the cap, and idle ones, but keeps a refusal', async () => {
    const clock = new ManualClock(T0);
    const store = new MemoryStore({ clock, maxCustomers: 3 });
    await store.setConsent('refused', { optOut: true, channels: { sms: false } });
    await store.setConsent('opted-in', { channels: { email: true } });
    for (const id of ['a', 'b', 'c']) await store.recordEvent(id, { type: 'profile_update', at: T0, attributes: { numeric: { x: 1 }, categorical: {} } });
    expect(store.evicted().customer).toBe(2);
    expect(store.debugCustomerKeys().customers.sort()).toEqual(['a', 'b', 'c', 'refused']);
    expect((await store.loadCustomer('refused', T0)).consent).toMatchObject({ optOut: true, channels: { sms: false } });
    expect((await store.loadCustomer('opted-in', T0)).consent.channels).toEqual({});
    // A write brings the refusal back into a full entry: still refused.
    await store.recordEvent('refused', { type: 'cart_add', at: T0, itemId: 'i', category: 'k' });
    expect((await store.loadCustomer('refused', T0)).consent.optOut).toBe(true);
    // Ninety-one idle days later, one write evicts the idle ones, the cap not reached.
    clock.advance(91 * DAY);
    await store.recordEvent('new', { type: 'ticket_opened', at: clock.now() });
    expect(store.debugCustomerKeys().customers.sort()).toEqual(['new', 'refused']);
    await store.forgetCustomer('refused');
    expect(store.debugCustomerKeys().customers).toEqual(['new']);
  });

  it('closes the decision nearest its window end early beyond the cap, with its default reward', async () => {
    const store = new MemoryStore({ maxDecisions: 2 });
    await store.saveDecision(record('late', 'c1', T0 + 3000), decision('late'));
    await store.saveDecision(record('soon', 'c2', T0 + 1000), decision('soon'), 'req-soon');
    await store.saveDecision(record('new', 'c3', T0 + 2000), decision('new'));
    expect(await store.countDecisions()).toBe(2);
    expect(store.evicted().decision).toBe(1);
    expect(await store.findByRequestId('c2', 'req-soon')).toBeUndefined();
    expect(await store.joinReward({ decisionId: 'soon', actionId: '', value: 1, now: T0 })).toEqual({ status: 'unknown' });
    // The next sweep hands it over before its window ends, as if it had closed.
    const taken = await store.takeExpired(T0, 10);
    expect(taken.map((t) => [t.record.decisionId, t.unrewardedActions])).toEqual([['soon', ['a']]]);
    expect(await store.countDecisions()).toBe(2);
  });

  it('drops whole ledgers that aged out, without a forget, as other customers are rewarded', async () => {
    const clock = new ManualClock(T0);
    const store = new MemoryStore({ clock, ledger: { retentionMs: 10 * DAY } });
    for (let i = 0; i < 100; i++) await store.publish(update(`c${i}`, i));
    expect(store.debugCustomerKeys().ledger).toHaveLength(100);
    clock.advance(11 * DAY);
    for (let i = 0; i < 40; i++) await store.publish(update('active', i));
    expect(store.debugCustomerKeys().ledger).toEqual(['active']);
    expect(store.evicted().ledger).toBe(0);
  });

  it('bounds ledgers by the customer cap too, counting what forget can no longer reach', async () => {
    const store = new MemoryStore({ maxCustomers: 10 });
    for (let i = 0; i < 50; i++) await store.publish(update(`c${i}`, i));
    expect(store.debugCustomerKeys().ledger).toHaveLength(10);
    expect(store.evicted().ledger).toBe(40);
    expect((await store.forgetCustomer('c49')).updates).toHaveLength(1);
    expect((await store.forgetCustomer('c0')).updates).toHaveLength(0);
  });

  it('refuses a cap that is not a positive whole number with a TactError naming the setting', () => {
    expect(() => new MemoryStore({ maxDecisions: 0 })).toThrow(expect.objectContaining({ reason: 'BAD_CONFIGURATION', field: 'memoryMaxDecisions' }));
    expect(() => new MemoryStore({ ledger: { retentionMs: -1 } })).toThrow(expect.objectContaining({ reason: 'BAD_CONFIGURATION', field: 'ledgerRetentionMs' }));
  });
});
