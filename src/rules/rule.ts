import type { Catalog, ChannelSpec, MessageSpec, RuleSettings } from '../catalog/catalog.js';
import type { Candidate } from '../domain/decision.js';
import type { CustomerState } from '../domain/customer.js';

/** What every rule may read for one Decide: loaded once, shared by all candidates. */
export interface RuleContext {
  readonly state: CustomerState;
  /** Decision time (DecideRequest.at), ms since epoch. */
  readonly at: number;
  /** The customer's IANA zone; "UTC" when unknown. */
  readonly timeZone: string;
  readonly settings: RuleSettings;
  readonly catalog: Catalog;
  /** Local minute of day (0-1439) of an instant in the customer's zone; memoised per Decide. */
  localMinute(atMs: number): number;
}

/** One candidate with the catalog entries it refers to (absent for client candidates). */
export interface RuleInput {
  readonly candidate: Candidate;
  readonly channel: ChannelSpec | undefined;
  readonly message: MessageSpec | undefined;
}

/**
 * A rule's answer: undefined passes the candidate unchanged; a string removes
 * it with that reason; a candidate passes it changed (quiet hours move sendAt).
 */
export type Verdict = undefined | string | Candidate;

/** One named rule. Pure: everything it reads is in its arguments. */
export interface Rule {
  readonly name: string;
  check(input: RuleInput, ctx: RuleContext): Verdict;
}

/** Service messages (order updates) pass marketing rules; client candidates are marketing. */
export const isService = (input: RuleInput): boolean => input.message?.service === true;

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
