import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/catalog.js';
import { catalogCandidates } from '../../src/catalog/candidates.js';
import { loadCatalog } from '../../src/catalog/load.js';
import { nextLocalTime } from '../../src/catalog/time.js';
import { SeededRandom } from '../../src/core/random.js';
import type { Candidate } from '../../src/domain/decision.js';
import { MarketingWorld, type SimAction, type SimCustomer } from '../../src/simulate/world.js';

const SAMPLE = new URL('../../models/catalog.yaml', import.meta.url).pathname;
const T0 = Date.UTC(2026, 0, 5, 12, 0);

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog(SAMPLE);
});

const world = (seed = 7, customers = 300): MarketingWorld => new MarketingWorld(catalog, { seed, customers });

/** Advance the stream until `pred` holds for an event; returns the customer and time. */
function eventWhere(w: MarketingWorld, pred: (c: SimCustomer, trigger: string) => boolean): { customer: SimCustomer; at: number } {
  const rng = new SeededRandom(99);
  for (let i = 0; i < 20_000; i++) {
    const at = T0 + i * 60_000;
    const e = w.nextEvent(rng, at);
    if (pred(e.customer, e.trigger)) return { customer: e.customer, at };
  }
  throw new Error('no such event in 20000 draws');
}

const candidate = (trigger: string, id: string, at: number, tz: string): Candidate => {
  const c = catalogCandidates(catalog, trigger, at, tz).find((x) => x.id === id);
  if (!c) throw new Error(`no candidate ${id}`);
  return c;
};

describe('MarketingWorld', () => {
  it('is reproducible from its seed, and different across seeds', () => {
    const a = world(5);
    const b = world(5);
    const c = world(6);
    expect(a.customers.map((x) => [x.profile, x.traits])).toEqual(b.customers.map((x) => [x.profile, x.traits]));
    expect(a.customers.map((x) => x.traits.baseLogit)).not.toEqual(c.customers.map((x) => x.traits.baseLogit));
    const ra = new SeededRandom(1);
    const rb = new SeededRandom(1);
    for (let i = 0; i < 200; i++) {
      const ea = a.nextEvent(ra, T0 + i * 60_000);
      const eb = b.nextEvent(rb, T0 + i * 60_000);
      expect([ea.customer.id, ea.trigger, ea.context]).toEqual([eb.customer.id, eb.trigger, eb.context]);
    }
  });

  it('shows noisy but informative proxies of the hidden traits', () => {
    const w = world(3, 2000);
    const stated = w.customers.filter((c) => c.profile.preferredChannel !== 'unknown');
    const right = stated.filter((c) => c.profile.preferredChannel === c.traits.channel).length / stated.length;
    expect(right).toBeGreaterThan(0.6);
    expect(right).toBeLessThan(0.95);
    const sensitivity = (segment: string): number => {
      const s = w.customers.filter((c) => c.profile.segment === segment);
      return s.reduce((a, c) => a + c.traits.priceSensitivity, 0) / s.length;
    };
    expect(sensitivity('bargain_hunter')).toBeGreaterThan(sensitivity('loyal') + 0.8);
    for (const c of w.customers) if (c.profile.device === 'desktop') expect(c.profile.hasApp).toBe(false);
  });

  it('makes the expected values match sampled response frequencies', () => {
    const w = world();
    const { customer, at } = eventWhere(w, (c, t) => t === 'cart_abandoned' && c.traits.channel === 'email');
    const cat = customer.state.current.category;
    const tz = customer.profile.timeZone;
    const actions: SimAction[] = [
      candidate('cart_abandoned', `cart_${cat}:email:now`, at, tz),
      // Night SMS: annoying enough to spoil organic returns, which the expectation must price in.
      { messageId: `cart_${cat}`, channel: 'sms', sendAt: nextLocalTime(at, '23:30', tz), noSend: false, cost: 0.05 },
      candidate('cart_abandoned', `cart_${cat}:push:evening`, at, tz),
      candidate('cart_abandoned', 'cart_home_10off:email:next_morning', at, tz),
      candidate('cart_abandoned', 'no_send', at, tz),
    ];
    const n = 40_000;
    for (const action of actions) {
      const label = `${action.messageId}:${action.channel}@${action.sendAt}`;
      const e = w.expected(customer, action, at);
      let conv = 0;
      let opened = 0;
      let annoyed = 0;
      let value = 0;
      for (let i = 0; i < n; i++) {
        const r = w.respond(customer, action, at, new SeededRandom(1000 + i));
        conv += Number(r.converted);
        opened += Number(r.opened);
        annoyed += Number(r.annoyed);
        value += r.value;
      }
      const near = (freq: number, p: number): void => {
        // Five standard errors, plus a floor for p near 0.
        expect(Math.abs(freq / n - p), `${label}: ${freq / n} vs ${p}`).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n) + 1e-3);
      };
      near(conv, e.pConvert);
      near(opened, e.pOpen);
      near(annoyed, e.pAnnoyed);
      // Mean order value: conversions are rare, so allow 8% relative plus a cent.
      expect(Math.abs(value / n - e.expectedValue), label).toBeLessThan(0.08 * e.expectedValue + 0.01);
    }
  });

  it('respond is pure: the same seed gives the same answer and the state does not move', () => {
    const w = world();
    const { customer, at } = eventWhere(w, (_, t) => t === 'cart_abandoned');
    const a = candidate('cart_abandoned', 'cart_shoes:sms:now', at, customer.profile.timeZone);
    const before = JSON.stringify(customer.state);
    const r1 = w.respond(customer, a, at, new SeededRandom(5));
    const r2 = w.respond(customer, a, at, new SeededRandom(5));
    expect(r1).toEqual(r2);
    expect(JSON.stringify(customer.state)).toBe(before);
  });

  it('punishes promoting an item already in the cart', () => {
    const w = world();
    const { customer, at } = eventWhere(
      w,
      (c, t) => t === 'cart_abandoned' && c.state.cart.some((l) => l.item === 'shoe-trail-runner'),
    );
    const tz = customer.profile.timeZone;
    const promo = w.expected(customer, candidate('cart_abandoned', 'restock_trail_runner:email:now', at, tz), at);
    expect(promo.pBuyGivenOpen).toBe(0);
    expect(promo.pAnnoyedIfNotBought).toBeGreaterThan(0.6);
  });

  it('makes an SMS at night far more annoying than by day, and sends tire the customer', () => {
    const w = world();
    const { customer, at } = eventWhere(w, (c, t) => t === 'cart_abandoned' && c.profile.timeZone === 'Europe/Berlin');
    const base: Omit<SimAction, 'sendAt'> = { messageId: 'cart_shoes', channel: 'sms', noSend: false, cost: 0.05 };
    const night = w.expected(customer, { ...base, sendAt: nextLocalTime(at, '23:30', 'Europe/Berlin') }, at);
    const day = w.expected(customer, { ...base, sendAt: nextLocalTime(at, '11:00', 'Europe/Berlin') }, at);
    expect(night.pAnnoyedIfNotBought).toBeGreaterThan(day.pAnnoyedIfNotBought + 0.4);

    const fresh = w.expected(customer, { ...base, sendAt: at }, at).pOpen;
    const tired = { ...customer, state: { ...customer.state, sends: [at - 3_600_000, at - 7_200_000, at - 10_800_000] } };
    expect(w.expected(tired, { ...base, sendAt: at }, at).pOpen).toBeLessThan(fresh * 0.7);
  });

  it('lets the hidden channel taste show in open rates', () => {
    const w = world(11, 2000);
    const meanOpen = (taste: string, channel: string): number => {
      const cs = w.customers.filter((c) => c.traits.channel === taste);
      const at = Date.UTC(2026, 0, 5, 15, 0);
      const sum = cs.reduce(
        (s, c) => s + w.expected(c, { messageId: 'winback_20off', channel, sendAt: at, noSend: false, cost: 0 }, at).pOpen,
        0,
      );
      return sum / cs.length;
    };
    expect(meanOpen('sms', 'sms')).toBeGreaterThan(1.5 * meanOpen('email', 'sms'));
    expect(meanOpen('email', 'email')).toBeGreaterThan(1.5 * meanOpen('sms', 'email'));
    expect(meanOpen('none', 'email')).toBeLessThan(meanOpen('email', 'email') / 2);
  });

  it('best() is the argmax of expected net value, so no-send wins when every send hurts', () => {
    const w = world();
    const { customer, at } = eventWhere(w, (_, t) => t === 'cart_abandoned');
    const cands = catalogCandidates(catalog, 'cart_abandoned', at, customer.profile.timeZone);
    const best = w.best(customer, cands, at);
    const bestNet = best ? w.expected(customer, best, at).expectedNet : -Infinity;
    for (const c of cands) expect(w.expected(customer, c, at).expectedNet).toBeLessThanOrEqual(bestNet);
    // A promo for what is already in the cart: sending spoils the organic return, so no-send wins.
    const owned = {
      ...customer,
      state: { ...customer.state, cart: [...customer.state.cart, { item: 'coat-wool-classic', category: 'outerwear', value: 180 }] },
    };
    const tz = customer.profile.timeZone;
    const bad: SimAction = { messageId: 'restock_wool_coat', channel: 'email', sendAt: at, noSend: false, cost: 0.001 };
    const none = candidate('cart_abandoned', 'no_send', at, tz);
    expect(w.best(owned, [bad, none], at)).toBe(none);
  });

  it('record: a bought cart line leaves the cart, sends and annoyances are remembered', () => {
    const w = world();
    const { customer, at } = eventWhere(w, (_, t) => t === 'cart_abandoned');
    const item = customer.state.current.item;
    expect(customer.state.cart.some((l) => l.item === item)).toBe(true);
    const action: SimAction = { messageId: 'cart_shoes', channel: 'email', sendAt: at, noSend: false, cost: 0.001 };
    w.record(customer, action, at, { converted: true, value: 90, opened: true, annoyed: true, organic: false });
    expect(customer.state.cart.some((l) => l.item === item)).toBe(false);
    expect(customer.state.purchases.at(-1)?.item).toBe(item);
    expect(customer.state.sends).toContain(at);
    expect(customer.state.annoyances).toContain(at);
  });
});
