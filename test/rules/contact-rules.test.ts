import { describe, expect, it } from 'vitest';
import { catalogCandidates } from '../../src/catalog/candidates.js';
import { customerTimeZone } from '../../src/domain/customer-state.js';
import { reserveInStore } from '../../src/decision/arbitrate.js';
import { profileFeatures } from '../../src/features/profile-features.js';
import { applyContactRules, DEFAULT_RULES } from '../../src/rules/contact-rules.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { rulesCatalog, state, T0 } from './helpers.js';

const catalog = rulesCatalog();

describe('contact rules', () => {
  it('keeps every removed candidate with its rule and reason; no-send always stays', async () => {
    const store = new MemoryStore();
    await store.setConsent('c', { optOut: true });
    const customer = await store.loadCustomer('c', T0);
    const candidates = catalogCandidates(catalog, 'cart_abandoned', T0);
    const { eligible, removed } = applyContactRules(DEFAULT_RULES, { state: customer, at: T0, catalog, candidates });
    expect(eligible.map((e) => e.id)).toEqual(['no_send']);
    expect(removed).toHaveLength(candidates.length - 1);
    expect(new Set(removed.map((r) => r.rule))).toEqual(new Set(['consent']));
  });

  it('the first rule that removes a candidate names it; quiet-hours deferral is kept', async () => {
    const store = new MemoryStore();
    await store.setConsent('c', { channels: { sms: true }, timeZone: 'Europe/Berlin' });
    await store.recordEvent('c', { type: 'cart_add', at: T0 - 1000, itemId: 'coat-1', category: 'outerwear' });
    const at = Date.UTC(2026, 0, 5, 22, 30); // 23:30 in Berlin
    const customer = await store.loadCustomer('c', at);
    const candidates = catalogCandidates(catalog, 'cart_abandoned', at, customerTimeZone(customer));
    const { eligible, removed } = applyContactRules(DEFAULT_RULES, { state: customer, at, catalog, candidates });
    const why = new Map(removed.map((r) => [r.candidateId, r.rule]));
    expect(why.get('coat:email:now')).toBe('suppression');
    expect(why.get('reminder:push:now')).toBe('quiet_hours');
    const sms = eligible.find((e) => e.id === 'reminder:sms:now');
    expect(sms?.sendAt).toBe(Date.UTC(2026, 0, 6, 8, 0)); // 09:00 Berlin
  });

  it('reserving caps maps a failed send back to the index of the choice', async () => {
    const store = new MemoryStore();
    const reserve = reserveInStore(store, catalog, 'c');
    const all = catalogCandidates(catalog, 'cart_abandoned', T0);
    const pick = (id: string) => all.find((c) => c.id === id)!;
    expect(await reserve([pick('no_send')])).toBe(-1);
    expect(await reserve([pick('shoes_promo:email:now')])).toBe(-1);
    // Message cap 1 per 14 days: the second shoes_promo fails, at its index in the choices.
    expect(await reserve([pick('no_send'), pick('shoes_promo:push:now')])).toBe(1);
  });

  it('profile features: attributes plus cart, sends, ignores, tickets and preferred channel', () => {
    const f = profileFeatures(
      state({
        profile: { numeric: { age: 40 }, categorical: { segment: 'vip' } },
        cart: [{ itemId: 'a', category: 'x', at: T0 }],
        sends: [
          { channel: 'email', messageId: 'm', at: T0 - 1000 },
          { channel: 'sms', messageId: 'n', at: T0 - 10 * 86_400_000 },
        ],
        ignored: [{ messageId: 'n', channel: 'sms', at: T0 - 9 * 86_400_000 }],
        openTickets: 1,
        consent: { channels: {}, optOut: false, preferredChannel: 'sms', timeZone: '', unreachable: [] },
      }),
      T0,
    );
    expect(f).toEqual({
      // Revealed channel taste over 30 days: the SMS was ignored, the email not yet.
      numeric: { age: 40, cart_items: 1, sends_7d: 1, sent_30d_email: 1, sent_30d_sms: 1, ignored_30d_sms: 1, open_tickets: 1 },
      categorical: { segment: 'vip', preferred_channel: 'sms' },
    });
  });
});
