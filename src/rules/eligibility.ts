import type { Candidate, Removal } from '../domain/decision.js';
import { EMPTY_FEATURES, type Features } from '../domain/features.js';
import type { Policy } from '../policies/policy-set.js';
import type { CustomerState } from '../domain/customer.js';

/** What the decision pipeline knows of a customer, loaded once per Decide. */
export interface CustomerView {
  readonly customerId: string;
  /** IANA time zone for send-time slots and quiet hours. */
  readonly timeZone: string;
  /** Live profile features, merged into the decision context. */
  readonly features: Features;
  /** What the rules read (consent, cart, counters); the engine never looks inside. */
  readonly state?: CustomerState;
}

/** Candidates that remain after the rules, and why the others were removed. */
export interface EligibilityResult {
  readonly eligible: Candidate[];
  readonly removed: Removal[];
}

export interface EligibilityRequest {
  readonly customer: CustomerView;
  readonly trigger: string;
  readonly at: number;
  readonly policy: Policy;
  readonly candidates: readonly Candidate[];
}

/**
 * Pipeline step 2: rules that are never learned. The engine computes
 * probabilities only over what this step keeps, so logged propensities stay
 * right for off-policy evaluation.
 */
export interface Eligibility {
  /** Load the customer's state: the one read of customer state per Decide. */
  customer(customerId: string, at: number): Promise<CustomerView>;
  /** Apply the rules to the loaded state; pure. */
  filter(request: EligibilityRequest): EligibilityResult;
  /**
   * Step 6, after sampling: atomically reserve the sends (frequency caps), so
   * concurrent decisions for one customer cannot exceed a cap. Returns the
   * index of the first choice that could not be reserved, or -1.
   */
  reserve(customer: CustomerView, choices: readonly Candidate[], at: number): Promise<number>;
}

/** No rules and no customer state: every candidate is eligible. */
export const noEligibilityRules: Eligibility = {
  customer: async (customerId) => ({ customerId, timeZone: 'UTC', features: EMPTY_FEATURES }),
  filter: ({ candidates }) => ({ eligible: [...candidates], removed: [] }),
  reserve: async () => -1,
};
