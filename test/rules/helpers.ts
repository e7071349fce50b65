import { parseCatalog } from '../../src/catalog/load.js';
import { catalogCandidates } from '../../src/catalog/candidates.js';
import { DEFAULT_RULE_SETTINGS, type Catalog } from '../../src/catalog/catalog.js';
import { localMinuteOfDay } from '../../src/catalog/time.js';
import type { Candidate } from '../../src/domain/decision.js';
import type { Rule, RuleContext, RuleInput, Verdict } from '../../src/rules/rule.js';
import type { CustomerState } from '../../src/store/store.js';
import { emptyCustomerState } from '../../src/domain/customer-state.js';

/** A small catalog that exercises every rule. */
export const RULES_CATALOG_YAML = `
rules:
  purchase_suppression_days: 30
  fatigue: { ignored: 2, days: 7 }
channels:
  - { id: email, cost: 0.001, consent: opt_out, caps: [{ max: 3, window_hours: 168 }] }
  - id: sms
    cost: 0.05
    consent: opt_in
    caps: [{ max: 1, window_hours: 24 }]
    quiet_hours: { start: "21:00", end: "09:00", action: defer }
  - id: push
    cost: 0.001
    consent: opt_out
    quiet_hours: { start: "22:00", end: "08:00", action: drop }
send_slots:
  - { id: now, delay_minutes: 0 }
  - { id: evening, local_time: "19:00" }
triggers:
  - { id: cart_abandoned }
  - { id: order_shipped, slots: [now] }
messages:
  - { id: reminder, triggers: [cart_abandoned], channels: [email, sms, push], category: shoes, value: 90, exempt: [cart] }
  - { id: coat, triggers: [cart_abandoned], channels: [email, sms, push], category: outerwear, items: [coat-1], value: 180 }
  - { id: shoes_promo, triggers: [cart_abandoned], channels: [email, push], category: shoes, value: 80, caps: [{ max: 1, window_hours: 336 }] }
  - { id: shipped, triggers: [order_shipped], channels: [email, sms, push], category: service, value: 3, service: true }
`;

export const rulesCatalog = (): Catalog => parseCatalog(RULES_CATALOG_YAML, 'rules-test');

export const T0 = Date.UTC(2026, 0, 5, 12, 0, 0); // Monday 12:00 UTC

export function state(patch: Partial<CustomerState> = {}): CustomerState {
  return { ...emptyCustomerState('c'), ...patch };
}

export function context(catalog: Catalog, s: CustomerState, at = T0): RuleContext {
  const timeZone = s.consent.timeZone || 'UTC';
  return {
    state: s,
    at,
    timeZone,
    settings: catalog.rules ?? DEFAULT_RULE_SETTINGS,
    catalog,
    localMinute: (ms) => localMinuteOfDay(ms, timeZone),
  };
}

export function candidate(catalog: Catalog, id: string, at = T0, timeZone = 'UTC', trigger = 'cart_abandoned'): Candidate {
  const c = catalogCandidates(catalog, trigger, at, timeZone).find((x) => x.id === id);
  if (!c) throw new Error(`no candidate ${id}`);
  return c;
}

export function check(rule: Rule, catalog: Catalog, c: Candidate, s: CustomerState, at = T0): Verdict {
  const input: RuleInput = {
    candidate: c,
    channel: catalog.channels.get(c.channel),
    message: catalog.messages.get(c.messageId),
  };
  return rule.check(input, context(catalog, s, at));
}
