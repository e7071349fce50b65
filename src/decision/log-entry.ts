import type { Features } from '../domain/features.js';

/**
 * The decision log that off-policy evaluation replays. It is an append-only
 * stream of two kinds of JSON lines: a `decision` line written when Tact
 * decides, and `outcome` lines written when a reward joins or the
 * attribution window closes with the default reward. Readers join them by
 * decisionId. Keeping outcomes separate means the decision line is written
 * once, off the request path, and never rewritten.
 */
export interface LoggedCandidate {
  readonly id: string;
  readonly channel: string;
  readonly features: Features;
  /** Probability the candidate had of being chosen at rank 1 (the PMF). */
  readonly probability: number;
  /** The learner's mean estimate at decision time. */
  readonly score: number;
}

export interface DecisionLine {
  readonly type: 'decision';
  readonly decisionId: string;
  /** Customer id: erased by ForgetCustomer along with the line. */
  readonly customerId: string;
  readonly policy: string;
  readonly modelVersion: string;
  /** Learning mode: "online" serves and learns; "shadow" only scores. */
  readonly mode: 'online' | 'shadow';
  /** ms since epoch. */
  readonly at: number;
  readonly trigger: string;
  readonly context: Features;
  /** Eligible candidates (after the rules), each with its rank-1 probability. */
  readonly candidates: readonly LoggedCandidate[];
  /** Chosen action ids, best rank first. */
  readonly chosen: readonly string[];
  /** Probability of each chosen action at its rank (conditional on ranks above). */
  readonly probabilities: readonly number[];
  readonly holdout: boolean;
}

export interface OutcomeLine {
  readonly type: 'outcome';
  readonly decisionId: string;
  readonly actionId: string;
  /** Reward value as reported (not net of cost). */
  readonly value: number;
  /** "reward": a joined Reward; "default": the window closed without one. */
  readonly source: 'reward' | 'default';
  readonly at: number;
}

/**
 * What happened to a chosen message after the decision: Tact's own delivery
 * steps (scheduled, sent, cancelled at send time, dead-lettered) and the
 * customer's receipts (delivered, opened, clicked, ignored, bounced) that
 * came back with the decision id. Not a reward: evaluation readers skip it;
 * funnel learning and journey reports read it.
 */
export interface ReceiptLine {
  readonly type: 'receipt';
  readonly decisionId: string;
  readonly actionId: string;
  readonly event: ReceiptEvent;
  /** Cancelled and dead-lettered sends: why. */
  readonly reason?: string;
  readonly at: number;
}

export type ReceiptEvent =
  | 'scheduled'
  | 'sent'
  | 'cancelled'
  | 'dead_lettered'
  | 'delivered'
  | 'opened'
  | 'clicked'
  | 'ignored'
  | 'bounced';

/**
 * A campaign's admission of one member (src/campaigns/admission.ts): the
 * member's estimated uplift, the probability q its randomized threshold
 * admitted it with, and whether it did. For an admitted member `decisionId`
 * is its decision's, whose logged probabilities are conditional on
 * admission: a send's propensity is q times the decision's. A member not
 * admitted got no decision; its id is "campaign:<campaign>:<customer>", and
 * its no-send had probability 1 - q (plus q times the decision's no-send).
 */
export interface CampaignLine {
  readonly type: 'campaign';
  readonly decisionId: string;
  /** Customer id: erased by ForgetCustomer along with the line. */
  readonly customerId: string;
  readonly campaign: string;
  /** The segment the campaign drew its audience from: what `tact uplift --by segment` groups by. */
  readonly segment: string;
  readonly score: number;
  readonly admitProbability: number;
  readonly admitted: boolean;
  readonly at: number;
}

export type LogLine = DecisionLine | OutcomeLine | ReceiptLine | CampaignLine;

/** Where decision and outcome lines go; implementations batch and never block Decide. */
export interface DecisionLogSink {
  /** False when lines go nowhere: callers then skip building them (Decide builds one per candidate). */
  readonly enabled: boolean;
  append(line: LogLine): void;
  flush(): Promise<void>;
  /**
   * Right to be forgotten: remove the customer's decision lines and the
   * outcome lines of those decisions, already written or still buffered.
   * Returns the number of lines removed at once; a file sink removes the
   * written ones by a deadline instead (log-sinks.ts), hiding them from
   * readers meanwhile, so a forget never waits for a rewrite.
   */
  erase(customerId: string): Promise<number>;
  close(): Promise<void>;
}
