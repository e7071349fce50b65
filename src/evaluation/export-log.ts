import { openDecisionLog } from '../decision/log-segments.js';
import { decisionIdExpiry } from '../decision/decision-id.js';
import type { CampaignLine, DecisionLine, LogLine, OutcomeLine, ReceiptLine } from '../decision/log-entry.js';
import { tactError } from '../core/errors.js';

/** An outcome as embedded in an exported decision. */
export interface ExportedOutcome {
  readonly actionId: string;
  readonly value: number;
  readonly source: OutcomeLine['source'];
  readonly at: number;
}

/**
 * One exported decision: the logged decision line with its outcomes joined.
 * `reward` is the rank-1 action's reward (joined rewards summed, else the
 * window's default), null while its window is open or for shadow lines
 * (their outcomes are the champion's). `tact evaluate` reads this format too.
 */
export type ExportedDecision = DecisionLine & {
  /** The segment of the campaign that made the decision (its campaign line); absent for every other decision. */
  readonly segment?: string;
  readonly outcomes: readonly ExportedOutcome[];
  readonly reward: number | null;
  /** False when the log ends before the decision's attribution window did: more outcomes may come. */
  readonly windowClosed: boolean;
};

export interface ExportOptions {
  /** Keep decisions with from <= at < to (ms since epoch, the decision's time). */
  readonly from?: number;
  readonly to?: number;
  /**
   * How long after a decision's window closes (server time, read from the
   * outcome lines' timestamps) its outcomes may still appear: the default
   * reward is written by a periodic sweep and lines are flushed in batches.
   * @defaultValue 60000
   */
  readonly slackMs?: number;
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
}

export interface ExportSummary {
  readonly decisions: number;
  /** Control-holdout decisions (nothing sent; outcomes only when the customer converted anyway). */
  readonly holdout: number;
  readonly withOutcome: number;
  /** Decisions whose rank-1 action had no outcome yet (window open at the end of the log). */
  readonly open: number;
  readonly outsideRange: number;
  /** Outcome lines whose decision was not exported (outside the range, or before the log starts). */
  readonly unmatchedOutcomes: number;
  /** Most decisions held at once while waiting for their outcomes. */
  readonly peakPending: number;
}

interface Held {
  readonly lines: DecisionLine[];
  readonly outcomes: ExportedOutcome[];
  readonly expiresAt: number;
  segment?: string;
}

/**
 * Streams a decision log and emits each decision in range joined with its
 * outcomes, in log order. Memory is bounded by the decisions whose windows
 * are still open at the point being read, not by the log's length: a
 * decision is held until the outcome lines' clock has passed its window's end
 * (encoded in its id) plus the slack, then written. Outcome lines share the
 * decision's sink, so they always come after it.
 */
export async function exportLog(
  path: string,
  write: (line: string) => Promise<void> | void,
  options: ExportOptions = {},
): Promise<ExportSummary> {
  const slack = options.slackMs ?? 60_000;
  const log = openDecisionLog(path);
  const held = new Map<string, Held>();
  let watermark = Number.NEGATIVE_INFINITY;
  const s = { decisions: 0, holdout: 0, withOutcome: 0, open: 0, outsideRange: 0, unmatchedOutcomes: 0, peakPending: 0 };

  const emit = async (h: Held, windowClosed: boolean): Promise<void> => {
    for (const line of h.lines) {
      const reward = line.mode === 'shadow' ? null : rankOneReward(line, h.outcomes);
      if (line.mode !== 'shadow') {
        s.decisions++;
        if (line.holdout) s.holdout++;
        else if (reward === null) s.open++;
        else s.withOutcome++;
      }
      const out: ExportedDecision = { ...line, ...(h.segment === undefined ? {} : { segment: h.segment }), outcomes: h.outcomes, reward, windowClosed };
      await write(`${JSON.stringify(out)}\n`);
    }
  };
  /** Write, oldest first, every held decision whose outcomes can no longer arrive. */
  const release = async (): Promise<void> => {
    for (const [id, h] of held) {
      if (h.expiresAt + slack >= watermark) break;
      held.delete(id);
      await emit(h, true);
    }
  };

  let lineNo = 0;
  for await (const { text, file, lineNo: fileLine } of log.lines()) {
    lineNo++;
    if (text.trim().length === 0) continue;
    const line = parseLogLine(text, fileLine, file);
    // A forgotten customer's lines not yet compacted away (log-segments.ts).
    if (log.erased?.drops(line)) continue;
    if (line.type === 'decision') {
      if ((options.from !== undefined && line.at < options.from) || (options.to !== undefined && line.at >= options.to)) {
        if (line.mode !== 'shadow') s.outsideRange++;
        continue;
      }
      const h = held.get(line.decisionId);
      if (h) h.lines.push(line);
      else held.set(line.decisionId, { lines: [line], outcomes: [], expiresAt: decisionIdExpiry(line.decisionId) ?? Number.POSITIVE_INFINITY });
      if (held.size > s.peakPending) s.peakPending = held.size;
    } else if (line.type === 'campaign') {
      // Written right after the campaign's decision, in the same sink.
      const h = held.get(line.decisionId);
      if (h && line.segment !== undefined) h.segment = line.segment;
    } else if (line.type === 'outcome') {
      const h = held.get(line.decisionId);
      if (h) h.outcomes.push({ actionId: line.actionId, value: line.value, source: line.source, at: line.at });
      else s.unmatchedOutcomes++;
      if (line.at > watermark) {
        watermark = line.at;
        await release();
      }
    }
    if (options.onProgress && lineNo % 5000 === 0) options.onProgress(log.bytesRead(), log.totalBytes);
  }
  // At the end, a window is closed once the log's clock has passed it (the slack only bounds reordering).
  for (const h of held.values()) await emit(h, h.expiresAt < watermark);
  options.onProgress?.(log.totalBytes, log.totalBytes);
  return s;
}

/** Joined rewards for the rank-1 action add up; the default counts only when none joined. */
function rankOneReward(line: DecisionLine, outcomes: readonly ExportedOutcome[]): number | null {
  const first = line.chosen[0];
  if (first === undefined) return null;
  let sum = 0;
  let rewards = 0;
  let fallback: number | null = null;
  for (const o of outcomes) {
    if (o.actionId !== first) continue;
    if (o.source === 'reward') {
      sum += o.value;
      rewards++;
    } else fallback = o.value;
  }
  return rewards > 0 ? sum : fallback;
}

function parseLogLine(text: string, lineNo: number, path: string): LogLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw tactError('BAD_INPUT_FILE', `${path}:${lineNo}: not JSON (${(e as Error).message})`);
  }
  const o = parsed as Partial<Record<string, unknown>> | null;
  if (o === null || typeof o !== 'object' || typeof o['decisionId'] !== 'string') {
    throw tactError('BAD_INPUT_FILE', `${path}:${lineNo}: not a Tact log line (no decisionId)`);
  }
  if (o['type'] === 'decision' && Array.isArray(o['chosen']) && typeof o['at'] === 'number') return parsed as DecisionLine;
  if (o['type'] === 'outcome' && typeof o['actionId'] === 'string' && typeof o['at'] === 'number') return parsed as OutcomeLine;
  if (o['type'] === 'receipt') return parsed as ReceiptLine;
  if (o['type'] === 'campaign') return parsed as CampaignLine;
  throw tactError('BAD_INPUT_FILE', `${path}:${lineNo}: not a decision, outcome, receipt or campaign line`);
}
