import { DEFAULT_RULE_SETTINGS, type Catalog } from '../catalog/catalog.js';
import { zoneOffsetMs } from '../catalog/time.js';
import type { Candidate, Removal } from '../domain/decision.js';
import type { CustomerState } from '../domain/customer.js';
import { consentRule } from './consent.js';
import { fatigueRule } from './fatigue.js';
import { frequencyCapRule } from './frequency-caps.js';
import { quietHoursRule } from './quiet-hours.js';
import { reachabilityRule } from './reachability.js';
import { DAY_MS, type Rule, type RuleContext, type RuleInput } from './rule.js';
import { sendsStoppedRule } from './sends-stopped.js';
import { serviceTicketRule } from './service-ticket.js';
import { suppressionRule } from './suppression.js';
import { customerTimeZone } from '../domain/customer-state.js';

/**
 * The rules in the order they run. Cheap, absolute rules first; quiet hours
 * before the caps, because deferring a send changes the window it counts in.
 */
export const DEFAULT_RULES: readonly Rule[] = [
  sendsStoppedRule,
  consentRule,
  reachabilityRule,
  serviceTicketRule,
  suppressionRule,
  fatigueRule,
  quietHoursRule,
  frequencyCapRule,
];

/**
 * The contact rules a deployment runs: the rule list for step 3, and whether
 * the chosen sends reserve their frequency caps atomically in step 7. Off
 * (NO_CONTACT_RULES) only in simulations that measure what the rules cost.
 */
export interface ContactRules {
  readonly rules: readonly Rule[];
  readonly reserveCaps: boolean;
}

export const DEFAULT_CONTACT_RULES: ContactRules = Object.freeze({ rules: DEFAULT_RULES, reserveCaps: true });

/** No rules and no cap reservation: every candidate is eligible. */
export const NO_CONTACT_RULES: ContactRules = Object.freeze({ rules: [], reserveCaps: false });

/** What step 3 reads: the customer state loaded once, the catalog of this Decide, the candidates. */
export interface EligibilityRequest {
  readonly state: CustomerState;
  readonly at: number;
  readonly catalog: Catalog;
  readonly candidates: readonly Candidate[];
}

/** Candidates that remain after the rules, and why the others were removed. */
export interface EligibilityResult {
  readonly eligible: Candidate[];
  readonly removed: Removal[];
}

/**
 * Pipeline step 3: rules that are never learned, pure over loaded state.
 * The engine computes probabilities only over what this keeps, so logged
 * propensities stay right for off-policy evaluation. No-send always stays.
 * The control holdout is not a rule: the engine applies it per policy
 * (src/decision/holdout.ts) so held-out customers are measured even when
 * rules would have removed everything.
 */
export function applyContactRules(rules: readonly Rule[], request: EligibilityRequest): EligibilityResult {
  const { catalog } = request;
  const eligible: Candidate[] = [];
  const removed: Removal[] = [];
  if (rules.length === 0) return { eligible: [...request.candidates], removed };
  const ctx = ruleContext(request);
  for (const original of request.candidates) {
    if (original.noSend) {
      eligible.push(original);
      continue;
    }
    const result = applyRules(rules, ruleInput(original, catalog), ctx);
    if ('rule' in result) removed.push(result);
    else eligible.push(result);
  }
  return { eligible, removed };
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

/** A candidate with the catalog entries the rules read about it. */
export function ruleInput(candidate: Candidate, catalog: Catalog): RuleInput {
  return {
    candidate,
    channel: candidate.channel ? catalog.channels.get(candidate.channel) : undefined,
    message: candidate.messageId ? catalog.messages.get(candidate.messageId) : undefined,
  };
}

function ruleContext(request: EligibilityRequest): RuleContext {
  const { state, at, catalog } = request;
  const timeZone = customerTimeZone(state);
  // Candidates share a handful of send times: look each up once per Decide.
  const minutes = new Map<number, number>();
  return {
    state,
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
