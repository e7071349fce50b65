import { describe, expect, it } from 'vitest';
import { consentRule } from '../../src/rules/consent.js';
import { fatigueRule } from '../../src/rules/fatigue.js';
import { frequencyCapRule } from '../../src/rules/frequency-caps.js';
import { isQuietMinute, quietHoursRule } from '../../src/rules/quiet-hours.js';
import { reachabilityRule } from '../../src/rules/reachability.js';
import { serviceTicketRule } from '../../src/rules/service-ticket.js';
import { suppressionRule } from '../../src/rules/suppression.js';
import type { Candidate } from '../../src/domain/decision.js';
import { localTimeParts } from '../../src/catalog/time.js';
import { candidate, check, rulesCatalog, state, T0 } from './helpers.js';

const catalog = rulesCatalog();
const DAY = 86_400_000;
const c = (id: string, at = T0, tz = 'UTC', trigger = 'cart_abandoned') => candidate(catalog, id, at, tz, trigger);
const consent = (channels: Record<string, boolean>, optOut = false) => ({
  channels,
  optOut,
  preferredChannel: '',
  timeZone: '',
  unreachable: [] as string[],
});

describe('consent', () => {
  it('opt-in channels need a yes; opt-out channels allow until refused', () => {
    expect(check(consentRule, catalog, c('coat:sms:now'), state())).toMatch(/opt-in/);
    expect(check(consentRule, catalog, c('coat:sms:now'), state({ consent: consent({ sms: true }) }))).toBeUndefined();
    expect(check(consentRule, catalog, c('coat:email:now'), state())).toBeUndefined();
    expect(check(consentRule, catalog, c('coat:email:now'), state({ consent: consent({ email: false }) }))).toMatch(/refused/);
  });

  it('opt-out blocks marketing but not service messages; an explicit no blocks both', () => {
    const optedOut = state({ consent: consent({}, true) });
    expect(check(consentRule, catalog, c('coat:email:now'), optedOut)).toMatch(/opted out/);
    expect(check(consentRule, catalog, c('shipped:email:now', T0, 'UTC', 'order_shipped'), optedOut)).toBeUndefined();
    // Service messages pass the opt-in requirement too: the customer gave the number for order updates.
    expect(check(consentRule, catalog, c('shipped:sms:now', T0, 'UTC', 'order_shipped'), state())).toBeUndefined();
    expect(
      check(consentRule, catalog, c('shipped:sms:now', T0, 'UTC', 'order_shipped'), state({ consent: consent({ sms: false }) })),
    ).toMatch(/refused/);
  });

  it('client candidates: only an explicit no or the opt-out applies', () => {
    const client: Candidate = { id: 'x', channel: 'fax', messageId: '', sendSlot: '', sendAt: T0, noSend: false, cost: 0, features: { numeric: {}, categorical: {} } };
    expect(check(consentRule, catalog, client, state())).toBeUndefined();
    expect(check(consentRule, catalog, client, state({ consent: consent({ fax: false }) }))).toMatch(/refused/);
    expect(check(consentRule, catalog, client, state({ consent: consent({}, true) }))).toMatch(/opted out/);
  });
});

describe('reachability', () => {
  it('removes channels the customer cannot be reached on', () => {
    const noApp = state({ consent: { ...consent({}), unreachable: ['push'] } });
    expect(check(reachabilityRule, catalog, c('coat:push:now'), noApp)).toMatch(/cannot be reached/);
    expect(check(reachabilityRule, catalog, c('coat:email:now'), noApp)).toBeUndefined();
  });
});

describe('service ticket', () => {
  it('blocks marketing while a ticket is open, not service messages', () => {
    const open = state({ openTickets: 1 });
    expect(check(serviceTicketRule, catalog, c('coat:email:now'), open)).toMatch(/ticket/);
    expect(check(serviceTicketRule, catalog, c('shipped:email:now', T0, 'UTC', 'order_shipped'), open)).toBeUndefined();
    expect(check(serviceTicketRule, catalog, c('coat:email:now'), state())).toBeUndefined();
  });
});

describe('suppression', () => {
  it('no promotion of an item or category in the cart; cart reminders are exempt', () => {
    const cart = state({ cart: [{ itemId: 'coat-1', category: 'outerwear', at: T0 - 1000 }] });
    expect(check(suppressionRule, catalog, c('coat:email:now'), cart)).toBe('item coat-1 is in the cart');
    const shoes = state({ cart: [{ itemId: 'sneaker-9', category: 'shoes', at: T0 - 1000 }] });
    expect(check(suppressionRule, catalog, c('shoes_promo:email:now'), shoes)).toBe('category shoes is in the cart');
    expect(check(suppressionRule, catalog, c('reminder:email:now'), shoes)).toBeUndefined();
  });

  it('item scope suppresses the item only, not its category', () => {
    const itemScope = { ...catalog, rules: { ...catalog.rules!, cartSuppression: 'item' as const, purchaseSuppression: 'item' as const } };
    const shoes = state({ cart: [{ itemId: 'sneaker-9', category: 'shoes', at: T0 - 1000 }], purchases: [{ itemId: 'coat-1', category: 'outerwear', at: T0 - DAY }] });
    expect(check(suppressionRule, itemScope, c('shoes_promo:email:now'), shoes)).toBeUndefined();
    expect(check(suppressionRule, itemScope, c('coat:email:now'), shoes)).toBe('item coat-1 was bought within 30 days');
  });

  it('purchases suppress for the configured days only', () => {
    const bought = (daysAgo: number) => state({ purchases: [{ itemId: 'coat-1', category: 'outerwear', at: T0 - daysAgo * DAY }] });
    expect(check(suppressionRule, catalog, c('coat:email:now'), bought(29))).toMatch(/bought within 30 days/);
    expect(check(suppressionRule, catalog, c('coat:email:now'), bought(31))).toBeUndefined();
  });
});

describe('fatigue', () => {
  it('a message ignored N times in D days is suppressed; other messages are not', () => {
    const ignored = (days: number[]) => state({ ignored: days.map((d) => ({ messageId: 'coat', at: T0 - d * DAY })) });
    expect(check(fatigueRule, catalog, c('coat:email:now'), ignored([1, 2]))).toMatch(/ignored 2 times in 7 days/);
    expect(check(fatigueRule, catalog, c('coat:email:now'), ignored([1, 8]))).toBeUndefined();
    expect(check(fatigueRule, catalog, c('reminder:email:now'), ignored([1, 2]))).toBeUndefined();
  });
});

describe('quiet hours', () => {
  it('wraps midnight', () => {
    const q = { start: '22:00', end: '08:00', action: 'drop' as const };
    expect([21 * 60 + 59, 22 * 60, 0, 7 * 60 + 59, 8 * 60].map((m) => isQuietMinute(m, q))).toEqual([false, true, true, true, false]);
    expect(isQuietMinute(13 * 60, { start: '12:00', end: '14:00', action: 'drop' })).toBe(true);
  });

  it("drops push and defers sms to the end of quiet hours in the customer's zone", () => {
    const tz = 'America/New_York';
    const at = Date.UTC(2026, 0, 6, 4, 0); // 23:00 in New York
    const s = state({ consent: { ...consent({ sms: true }), timeZone: tz } });
    expect(check(quietHoursRule, catalog, c('coat:push:now', at, tz), s, at)).toMatch(/quiet hours 22:00-08:00/);
    const deferred = check(quietHoursRule, catalog, c('coat:sms:now', at, tz), s, at) as Candidate;
    const local = localTimeParts(deferred.sendAt, tz);
    expect([local.day, local.hour, local.minute]).toEqual([6, 9, 0]);
    // The evening slot lands at 19:00 tomorrow, outside quiet hours.
    expect(check(quietHoursRule, catalog, c('coat:sms:evening', at, tz), s, at)).toBeUndefined();
    // Noon in UTC is fine for everything.
    expect(check(quietHoursRule, catalog, c('coat:push:now'), state())).toBeUndefined();
  });
});

describe('frequency caps', () => {
  it('channel caps and message caps count sends within the window of the send time', () => {
    const sent = (channel: string, messageId: string, hoursAgo: number) => ({ channel, messageId, at: T0 - hoursAgo * 3_600_000 });
    const s = state({ consent: consent({ sms: true }), sends: [sent('sms', 'reminder', 5)] });
    expect(check(frequencyCapRule, catalog, c('coat:sms:now'), s)).toMatch(/channel:sms: 1 send\(s\) within 24h/);
    expect(check(frequencyCapRule, catalog, c('coat:email:now'), s)).toBeUndefined();
    const promo = state({ sends: [sent('push', 'shoes_promo', 300)] });
    expect(check(frequencyCapRule, catalog, c('shoes_promo:email:now'), promo)).toMatch(/message:shoes_promo/);
    const old = state({ sends: [sent('sms', 'reminder', 25)] });
    expect(check(frequencyCapRule, catalog, c('coat:sms:now'), old)).toBeUndefined();
  });
});
