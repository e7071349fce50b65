/**
 * An outbound campaign (docs/campaigns.md): decide once for every member of
 * a segment, through the same pipeline as Decide, under budgets shared by
 * every replica, spending them on the highest expected uplift first.
 */

export interface CampaignBudgets {
  /** Sends per channel per UTC day (of the send's `send_at`); a channel absent here is not limited. */
  readonly perChannelPerDay: Readonly<Record<string, number>>;
  /** Total sending cost (catalog channel costs) over the whole run; undefined: not limited. */
  readonly totalCost?: number;
}

export interface CampaignSpec {
  readonly id: string;
  readonly segment: string;
  /** Catalog trigger whose messages are the candidates. */
  readonly trigger: string;
  /** Policy name; undefined: the default policy. */
  readonly policy?: string;
  /** Members are decided only within [startAt, endAt), ms; after endAt the run is done. */
  readonly startAt: number;
  readonly endAt: number;
  readonly budgets: CampaignBudgets;
  /** Decisions per second per replica, so online Decide latency holds while it runs. */
  readonly ratePerSecond: number;
  /**
   * Every member is admitted with at least this probability, whatever its
   * score: offline evaluation needs a non-zero propensity everywhere.
   */
  readonly admitFloor: number;
  /** When the run was started, ms. */
  readonly createdAt: number;
}

export type CampaignPhase = 'scoring' | 'sending' | 'done';

export interface CampaignProgress {
  readonly phase: CampaignPhase;
  readonly paused: boolean;
  /** Why the run ended, when done: "audience exhausted", "window ended", "budget spent". */
  readonly doneReason?: string;
  readonly audience: number;
  /** Members whose uplift was estimated. */
  readonly scored: number;
  /** Members the sending phase reached (admitted or not). */
  readonly seen: number;
  /** Members that passed the randomized threshold. */
  readonly admitted: number;
  /** Members decided through the pipeline (each at most once). */
  readonly decided: number;
  readonly sentByChannel: Readonly<Record<string, number>>;
  /** Sending cost the budget has recorded. */
  readonly costUsed: number;
  readonly errors: number;
  readonly lastError?: string;
  /** Centre of the randomized threshold (the score at the budget's rank), once the sending phase starts. */
  readonly threshold?: number;
}

/** Campaign ids become Redis key parts and metric-free log fields. */
export const CAMPAIGN_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
