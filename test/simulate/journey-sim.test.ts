import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { DEFAULT_POLICIES } from '../../src/policies/policy-config.js';
import { PolicySet } from '../../src/policies/policy-set.js';
import { runJourneySimulation, type JourneyPolicy, type JourneySimResult, type LedgerEvent } from '../../src/simulate/journey-sim.js';
import { MarketingWorld } from '../../src/simulate/world.js';

const SAMPLE = new URL('../../models/catalog.yaml', import.meta.url).pathname;
const MINUTE = 60_000;
/** The sample catalog's cart_abandoned rule: 30 minutes after cart_add, unless a purchase of the item. */
const CART_DELAY = 30 * MINUTE;
/** Queues run every simulated minute: a timer fires at most this late. */
const TICK = MINUTE;

let noSend: JourneySimResult;
let learned: JourneySimResult;

beforeAll(async () => {
  const catalog = await loadCatalog(SAMPLE);
  const run = (policy: JourneyPolicy) =>
    runJourneySimulation({ world: new MarketingWorld(catalog, { seed: 11, customers: 200 }), policy, seed: 12, events: 1500 });
  noSend = await run({ kind: 'no-send' });
  learned = await run({ kind: 'tact', name: 'default', policies: PolicySet.fromConfig(DEFAULT_POLICIES) });
}, 60_000);

const total = (m: Readonly<Record<string, number>> | undefined): number => Object.values(m ?? {}).reduce((a, b) => a + b, 0);
const purchasesOf = (ledger: readonly LedgerEvent[], customerId: string, itemId: string) =>
  ledger.filter((e) => e.name === 'purchase' && e.customerId === customerId && e.itemId === itemId);

describe('simulated customers drive the journeys through events', () => {
  it('every started cart timer fired or was cancelled, and every order_shipped event fired once', () => {
    for (const r of [noSend, learned]) {
      expect(r.started['cart_abandoned']).toBeGreaterThan(100);
      expect(r.fired['cart_abandoned']! + total(r.cancelled['cart_abandoned'])).toBe(r.started['cart_abandoned']);
      expect(r.fired['order_shipped']).toBe(r.ledger.filter((e) => e.name === 'order_shipped').length);
      expect(r.firings.filter((f) => f.trigger === 'cart_abandoned')).toHaveLength(r.fired['cart_abandoned']!);
    }
  });

  it('a cart reminder fires 30 minutes after its cart add only when the item was not bought in between', () => {
    for (const r of [noSend, learned]) {
      const carts = r.firings.filter((f) => f.trigger === 'cart_abandoned');
      for (const f of carts) {
        const start = r.ledger.find((e) => e.name === 'cart_add' && e.customerId === f.customerId && e.itemId === f.itemId && f.at - e.at >= CART_DELAY && f.at - e.at <= CART_DELAY + TICK);
        expect(start, `firing ${f.decisionId} has its cart add`).toBeDefined();
        expect(purchasesOf(r.ledger, f.customerId, f.itemId!).filter((p) => p.at >= start!.at && p.at <= f.at)).toEqual([]);
      }
    }
  });

  it('a purchase within 30 minutes of the cart add cancels: no reminder, and as many cancel_event as such carts that had a timer', () => {
    const r = noSend;
    const boughtInTime = r.ledger.filter(
      (e) => e.name === 'cart_add' && purchasesOf(r.ledger, e.customerId, e.itemId!).some((p) => p.at >= e.at && p.at < e.at + CART_DELAY),
    );
    expect(boughtInTime.length).toBeGreaterThan(20);
    for (const e of boughtInTime) {
      const reminded = r.firings.some((f) => f.trigger === 'cart_abandoned' && f.customerId === e.customerId && f.itemId === e.itemId && f.at >= e.at + CART_DELAY && f.at <= e.at + CART_DELAY + TICK);
      expect(reminded, `cart add ${e.customerId}/${e.itemId} at ${e.at} bought in time`).toBe(false);
    }
    // A cart add starts a timer unless one is already pending for the customer (re-entry per customer).
    expect(r.cancelled['cart_abandoned']?.['cancel_event']).toBeGreaterThan(0);
    expect(r.cancelled['cart_abandoned']?.['cancel_event']).toBeLessThanOrEqual(boughtInTime.length);
  });

  it('the journeys earn more than no-send on the same world and seed, and only sends cost', () => {
    expect(noSend.sends).toBe(0);
    expect(noSend.cost).toBe(0);
    expect(noSend.messageConversions).toBe(0);
    expect(learned.net).toBeGreaterThan(noSend.net);
    expect(learned.sends).toBeGreaterThan(200);
    expect(learned.messageConversions).toBeGreaterThan(10);
    // Sends deferred to a later slot are cancelled at send time by a purchase in between.
    expect(learned.sendsCancelled['cancel_event']).toBeGreaterThan(0);
  });
});
