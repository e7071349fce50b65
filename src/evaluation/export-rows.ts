import type { ExportedDecision } from './export-log.js';

/**
 * One flat row per exported decision, for pandas, SQL and spreadsheets: the
 * rank-1 choice with its propensity, the reward and whether the attribution
 * window had closed, without the nested candidates and outcomes of the log
 * format. The columns, in order, with their types, are DECISION_COLUMNS
 * (documented in docs/data-scientists.md, JSON Schema in
 * docs/decision-row.schema.json).
 */
export interface DecisionRow {
  readonly decision_id: string;
  /** Decision time, ISO 8601 UTC (a TIMESTAMP in Parquet). */
  readonly at: string;
  readonly customer_id: string;
  readonly policy: string;
  readonly model_version: string;
  /** "online" (served) or "shadow" (scored only; reward is null). */
  readonly mode: string;
  readonly trigger: string;
  /** Control holdout: nothing was sent. */
  readonly holdout: boolean;
  /** Eligible candidates after the contact rules. */
  readonly candidates: number;
  /** Actions chosen (top_k, at most one per channel). */
  readonly chosen_count: number;
  /** Rank-1 action id; null when nothing was chosen. */
  readonly action_id: string | null;
  readonly channel: string | null;
  /** Probability the rank-1 action was sampled with: the IPS propensity. */
  readonly propensity: number | null;
  /** The learner's score of the rank-1 action at decision time. */
  readonly score: number | null;
  /** Rank-1 reward (joined rewards summed, else the window's default); null while open and for shadows. */
  readonly reward: number | null;
  /** "reward" (a joined Reward), "default" (window closed without one), or null. */
  readonly reward_source: string | null;
  /** False when the log ended before the window did: more outcomes may come. */
  readonly window_closed: boolean;
}

export type ColumnType = 'STRING' | 'BOOLEAN' | 'INT32' | 'DOUBLE' | 'TIMESTAMP';

export const DECISION_COLUMNS: readonly { readonly name: keyof DecisionRow; readonly type: ColumnType; readonly nullable: boolean }[] = [
  { name: 'decision_id', type: 'STRING', nullable: false },
  { name: 'at', type: 'TIMESTAMP', nullable: false },
  { name: 'customer_id', type: 'STRING', nullable: false },
  { name: 'policy', type: 'STRING', nullable: false },
  { name: 'model_version', type: 'STRING', nullable: false },
  { name: 'mode', type: 'STRING', nullable: false },
  { name: 'trigger', type: 'STRING', nullable: false },
  { name: 'holdout', type: 'BOOLEAN', nullable: false },
  { name: 'candidates', type: 'INT32', nullable: false },
  { name: 'chosen_count', type: 'INT32', nullable: false },
  { name: 'action_id', type: 'STRING', nullable: true },
  { name: 'channel', type: 'STRING', nullable: true },
  { name: 'propensity', type: 'DOUBLE', nullable: true },
  { name: 'score', type: 'DOUBLE', nullable: true },
  { name: 'reward', type: 'DOUBLE', nullable: true },
  { name: 'reward_source', type: 'STRING', nullable: true },
  { name: 'window_closed', type: 'BOOLEAN', nullable: false },
];

export function toDecisionRow(d: ExportedDecision): DecisionRow {
  const action = d.chosen[0] ?? null;
  const candidate = action === null ? undefined : d.candidates.find((c) => c.id === action);
  const outcomes = action === null ? [] : d.outcomes.filter((o) => o.actionId === action);
  const source = d.reward === null ? null : outcomes.some((o) => o.source === 'reward') ? 'reward' : outcomes.length > 0 ? 'default' : null;
  return {
    decision_id: d.decisionId,
    at: new Date(d.at).toISOString(),
    customer_id: d.customerId,
    policy: d.policy,
    model_version: d.modelVersion,
    mode: d.mode,
    trigger: d.trigger,
    holdout: d.holdout,
    candidates: d.candidates.length,
    chosen_count: d.chosen.length,
    action_id: action,
    channel: candidate?.channel ?? null,
    propensity: d.probabilities[0] ?? null,
    score: candidate?.score ?? null,
    reward: d.reward,
    reward_source: source,
    window_closed: d.windowClosed,
  };
}

/** RFC 4180 CSV: header once, fields quoted when they hold a comma, quote or newline; null is empty. */
export function csvHeader(): string {
  return `${DECISION_COLUMNS.map((c) => c.name).join(',')}\n`;
}

export function csvLine(row: DecisionRow): string {
  return `${DECISION_COLUMNS.map((c) => csvField(row[c.name])).join(',')}\n`;
}

function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
