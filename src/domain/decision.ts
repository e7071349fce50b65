import type { Features } from './features.js';

/** The id of the explicit no-send action among catalog candidates. */
export const NO_SEND_ID = 'no_send';

/** An action as a learner sees it: its id (always a feature) and its features. */
export interface ActionRef {
  readonly id: string;
  readonly features: Features;
}

/** One candidate answer: (message, channel, send time), or no-send. */
export interface Candidate {
  /** Unique within the decision. Catalog actions: "message:channel:slot". */
  readonly id: string;
  /** Empty for no-send and for channel-less client candidates. */
  readonly channel: string;
  /** Catalog message id; empty for client candidates and no-send. */
  readonly messageId: string;
  /** Send-time slot name (catalog); empty for client candidates. */
  readonly sendSlot: string;
  /** When the send would happen (ms since epoch). */
  readonly sendAt: number;
  readonly noSend: boolean;
  /** Cost of one send on this channel, subtracted from rewards when learning. */
  readonly cost: number;
  /** Action features, including the message's own. */
  readonly features: Features;
}

/** A candidate the eligibility rules removed, and why. */
export interface Removal {
  readonly candidateId: string;
  /** Rule name, e.g. "consent". */
  readonly rule: string;
  readonly reason: string;
}

export interface DecideInput {
  readonly customerId: string;
  readonly trigger: string;
  readonly context: Features;
  /** Client-supplied candidates; undefined means "from the catalog". */
  readonly candidates?: readonly Candidate[];
  readonly topK: number;
  /** Policy name; undefined means the default policy. */
  readonly policy?: string;
  /** Makes Decide idempotent: a repeat with the same id, customer and caller gets the first answer. */
  readonly requestId?: string;
  /**
   * Opaque name of the authenticated caller (absent without auth). Only
   * idempotency reads it: one caller's request ids never match another's.
   */
  readonly caller?: string;
  /** Decision time, ms since epoch. */
  readonly at: number;
  readonly explain: boolean;
  /** Absolute deadline (ms since epoch) after which the work is not worth doing. */
  readonly deadline?: number;
  /**
   * A shared budget the chosen sends must also fit (a campaign's sends per
   * channel per day and sending cost): reserved in arbitration like the caps,
   * so a send the budget refuses is resampled away, never answered.
   */
  readonly budget?: SendBudget;
}

/**
 * Atomic reservation against a budget shared by every replica. `reserve`
 * records all sends or none, returning the index of the first that does not
 * fit (-1: all recorded); `release` gives back sends recorded by a reserve
 * whose decision did not keep them (a customer's cap refused it after).
 */
export interface SendBudget {
  reserve(chosen: readonly Candidate[]): Promise<number>;
  release(chosen: readonly Candidate[]): Promise<void>;
}

export interface Choice {
  readonly actionId: string;
  readonly messageId: string;
  readonly channel: string;
  /** Probability of this choice at its rank, conditional on the ranks above. */
  readonly probability: number;
  readonly score: number;
  readonly sendAt: number;
  readonly sendSlot: string;
  readonly noSend: boolean;
  readonly explored: boolean;
  readonly topFeatures?: readonly { feature: string; contribution: number }[];
}

export interface Decision {
  readonly decisionId: string;
  readonly customerId: string;
  readonly policy: string;
  readonly modelVersion: string;
  readonly at: number;
  readonly choices: readonly Choice[];
  readonly removed: readonly Removal[];
  readonly holdout: boolean;
}
