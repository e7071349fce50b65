import { DEFAULT_RULE_SETTINGS, type Catalog } from '../catalog/catalog.js';
import { zoneOffsetMs } from '../catalog/time.js';
import type { Candidate, Removal } from '../domain/decision.js';
import type { CustomerState, SendReservation } from '../domain/customer.js';
import type { CustomerStore } from '../store/store.js';
import { consentRule } from './consent.js';
import type { CustomerView, Eligibility, EligibilityRequest, EligibilityResult } from './eligibility.js';
import { fatigueRule } from './fatigue.js';
import { capChecks, frequencyCapRule } from './frequency-caps.js';
import { profileFeatures } from '../features/profile-features.js';
import { quietHoursRule } from './quiet-hours.js';
import { reachabilityRule } from './reachability.js';
import { DAY_MS, type Rule, type RuleContext, type RuleInput } from './rule.js';
import { serviceTicketRule } from './service-ticket.js';
import { suppressionRule } from './suppression.js';
import { emptyCustomerState } from '../domain/customer-state.js';

/**
 * The rules in the order they run. Cheap, absolute rules first; quiet hours
 * before the caps, because deferring a send changes the window it counts in.
 */
export const DEFAULT_RULES: readonly Rule[] = [
  consentRule,
  reachabilityRule,
  serviceTicketRule,
  suppressionRule,
  fatigueRule,
  quietHoursRule,
  frequencyCapRule,
];

export interface RuleEligibilityDeps {
  readonly store: CustomerStore;
  readonly catalog: () => Catalog;
}

/**
 * Pipeline steps 2 and 6 on the customer store: one read of the customer per
 * Decide, pure rules over it, and an atomic reservation of the sends chosen.
 * The control holdout is not here: the engine applies it per policy
 * (src/decision/holdout.ts) so that held-out customers are measured even when
 * rules would have removed everything.
 */
export class RuleEligibility implements Eligibility {
  constructor(
    private readonly deps: RuleEligibilityDeps,
    private readonly rules: readonly Rule[] = DEFAULT_RULES,
  ) {}

  async customer(customerId: string, at: number): Promise<CustomerView> {
    const state = await this.deps.store.loadCustomer(customerId, at);
    return { customerId, timeZone: state.consent.timeZone || 'UTC', features: profileFeatures(state, at), state };
  }

  filter(request: EligibilityRequest): EligibilityResult {
    const catalog = this.deps.catalog();
    const ctx = ruleContext(request, catalog);
    const eligible: Candidate[] = [];
    const removed: Removal[] = [];
    for (const original of request.candidates) {
      if (original.noSend) {
        eligible.push(original);
        continue;
      }
      const result = applyRules(this.rules, inputFor(original, catalog), ctx);
      if ('rule' in result) removed.push(result);
      else eligible.push(result);
    }
    return { eligible, removed };
  }

  async reserve(customer: CustomerView, choices: readonly Candidate[], _at: number): Promise<number> {
    const catalog = this.deps.catalog();
    const reservations: SendReservation[] = [];
    const indexOf: number[] = [];
    choices.forEach((c, i) => {
      if (c.noSend || !c.channel) return;
      const { channel, message } = inputFor(c, catalog);
      reservations.push({
        send: { channel: c.channel, messageId: c.messageId, at: c.sendAt },
        caps: capChecks(channel, message),
      });
      indexOf.push(i);
    });
    if (reservations.length === 0) return -1;
    const failed = await this.deps.store.reserveSends(customer.customerId, reservations);
    return failed < 0 ? -1 : (indexOf[failed] ?? -1);
  }
}

/** Run the rules in order; the first that removes the candidate names the reason. */
export function applyRules(rules: readonly Rule[], input: RuleInput, ctx: RuleContext): Candidate | Removal {
  let current = input;
  for (const rule of rules) {
    const verdict = rule.check(current, ctx);
    if (verdict === undefined) continue;
    if (typeof verdict === 'string') return { candidateId: input.candidate.id, rule: rule.name, reason: verdict };
    current = { ...current, candidate: verdict };
  }
  return current.candidate;
}

function inputFor(candidate: Candidate, catalog: Catalog): RuleInput {
  return {
    candidate,
    channel: candidate.channel ? catalog.channels.get(candidate.channel) : undefined,
    message: candidate.messageId ? catalog.messages.get(candidate.messageId) : undefined,
  };
}

function ruleContext(request: EligibilityRequest, catalog: Catalog): RuleContext {
  const { customer, at } = request;
  const timeZone = customer.timeZone || 'UTC';
  // Candidates share a handful of send times: look each up once per Decide.
  const minutes = new Map<number, number>();
  return {
    state: customer.state ?? emptyCustomerState(customer.customerId),
    at,
    timeZone,
    settings: catalog.rules ?? DEFAULT_RULE_SETTINGS,
    catalog,
    localMinute(ms) {
      let m = minutes.get(ms);
      if (m === undefined) minutes.set(ms, (m = localMinute(ms, timeZone)));
      return m;
    },
  };
}

const QUARTER_HOUR = 15 * 60_000;
const offsets = new Map<string, number>();

/**
 * Local minute of day via the zone's offset, cached per quarter hour: zones
 * change offset only at quarter-hour instants, and formatting a date with
 * Intl for every candidate of every Decide would dominate the rules' cost.
 */
function localMinute(ms: number, timeZone: string): number {
  const key = `${timeZone}|${Math.floor(ms / QUARTER_HOUR)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    if (offsets.size >= 8192) offsets.clear();
    offsets.set(key, (offset = zoneOffsetMs(ms, timeZone)));
  }
  const local = (((ms + offset) % DAY_MS) + DAY_MS) % DAY_MS;
  return Math.floor(local / 60_000);
}

/** A customer nobody told Tact anything about. */
