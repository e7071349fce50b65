import { openDecisionLog } from '../decision/log-segments.js';
import type { DecisionLine, LogLine, OutcomeLine, ReceiptLine, CampaignLine } from '../decision/log-entry.js';
import type { LoggedData, LoggedRound } from './logged-data.js';
import { tactError } from '../core/errors.js';
import { decisionIdExpiry } from '../decision/decision-id.js';

export interface TactReadOptions {
  /** Keep decisions with from <= at < to (ms since epoch, the decision's time). */
  readonly from?: number;
  readonly to?: number;
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** Sum of joined rewards, or the default reward when only the window's close was logged. */
interface JoinedOutcome {
  rewardSum: number;
  rewards: number;
  defaultValue: number | undefined;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

/** Shallow shape check: enough to fail loudly on a foreign file, cheap enough per line. */
function parseLine(text: string, lineNo: number, path: string): LogLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw tactError('BAD_INPUT_FILE', `${path}:${lineNo}: not JSON (${(e as Error).message})`);
  }
  if (!isObject(parsed) || typeof parsed['decisionId'] !== 'string') {
    throw tactError('BAD_INPUT_FILE', `${path}:${lineNo}: not a Tact log line (no decisionId)`);
  }
  if (parsed['type'] === 'decision') {
    if (!Array.isArray(parsed['candidates']) || !Array.isArray(parsed['chosen']) || !Array.isArray(parsed['probabilities'])) {
      throw tactError('BAD_INPUT_FILE', `${path}:${lineNo}: decision line without candidates/chosen/probabilities`);
    }
    return parsed as unknown as DecisionLine;
  }
  if (parsed['type'] === 'outcome') {
    if (typeof parsed['actionId'] !== 'string' || typeof parsed['value'] !== 'number') {
      throw tactError('BAD_INPUT_FILE', `${path}:${lineNo}: outcome line without actionId/value`);
    }
    return parsed as unknown as OutcomeLine;
  }
  if (parsed['type'] === 'receipt') return parsed as unknown as ReceiptLine;
  if (parsed['type'] === 'campaign') return parsed as unknown as CampaignLine;
  throw tactError('BAD_INPUT_FILE', `${path}:${lineNo}: unknown line type ${String(parsed['type'])}`);
}

/**
 * Keyed by decision and action: only the rank-1 action's outcome is used, but
 * which one that is is known only once the decision line is read.
 */
function addOutcome(outcomes: Map<string, JoinedOutcome>, line: Pick<OutcomeLine, 'decisionId' | 'actionId' | 'value' | 'source'>): void {
  const key = `${line.decisionId}\u0000${line.actionId}`;
  const o = outcomes.get(key) ?? { rewardSum: 0, rewards: 0, defaultValue: undefined };
  if (line.source === 'reward') {
    o.rewardSum += line.value;
    o.rewards++;
  } else {
    o.defaultValue = line.value;
  }
  outcomes.set(key, o);
}

/** Outcomes embedded in an exported decision line (`outcomes: [...]`), checked loosely. */
function embeddedOutcomes(line: DecisionLine): Pick<OutcomeLine, 'decisionId' | 'actionId' | 'value' | 'source'>[] {
  const raw = (line as DecisionLine & { outcomes?: unknown }).outcomes;
  if (!Array.isArray(raw)) return [];
  const out: Pick<OutcomeLine, 'decisionId' | 'actionId' | 'value' | 'source'>[] = [];
  for (const o of raw as unknown[]) {
    if (!isObject(o) || typeof o['actionId'] !== 'string' || typeof o['value'] !== 'number') continue;
    out.push({ decisionId: line.decisionId, actionId: o['actionId'], value: o['value'], source: o['source'] === 'default' ? 'default' : 'reward' });
  }
  return out;
}

/**
 * Streams a Tact decision log (JSON lines) and joins decisions with their
 * outcomes by decisionId. Only the rank-1 choice becomes a round: its logged
 * probability is a true propensity, while lower ranks' probabilities are
 * conditional on the ranks above. Outcome lines may come before or after
 * their decision (writers batch independently), so the join happens at the
 * end. Rewards for one action add up ("sum"); a "default" outcome counts only
 * when no reward joined.
 *
 * Only decisions whose attribution window has closed become rounds, rewarded
 * or not: keeping the rewarded ones of a log cut while windows were open
 * would keep exactly the successes (IPS 1.000 where the truth was 0.36). A
 * window is closed when the window's default outcome was logged, when an
 * exported line says so (`windowClosed`), or when the log's clock (the
 * latest outcome time, server time) has passed its end (in the decision id).
 *
 * Skipped, and counted by reason: decisions whose window is still open,
 * decisions with no outcome for their rank-1 action, shadow decisions (they
 * did not serve), decisions that chose nothing, and decisions outside the
 * time range.
 */
export async function readTactLog(path: string, options: TactReadOptions = {}): Promise<LoggedData> {
  const log = openDecisionLog(path);
  const decisions: DecisionLine[] = [];
  const outcomes = new Map<string, JoinedOutcome>();
  const skipped: Record<string, number> = {};
  const skip = (why: string): void => {
    skipped[why] = (skipped[why] ?? 0) + 1;
  };
  let lineNo = 0;
  let clock = Number.NEGATIVE_INFINITY;
  const closed = new Set<string>();
  const open = new Set<string>();
  for await (const { text, file, lineNo: fileLine } of log.lines()) {
    lineNo++;
    if (text.trim().length === 0) continue;
    const line = parseLine(text, fileLine, file);
    // A forgotten customer's lines not yet compacted away (log-segments.ts).
    if (log.erased?.drops(line)) continue;
    if (line.type === 'outcome') {
      if (line.at > clock) clock = line.at;
      if (line.source === 'default') closed.add(line.decisionId);
    } else {
      const exported = (line as DecisionLine & { windowClosed?: unknown }).windowClosed;
      if (exported === true) closed.add(line.decisionId);
      else if (exported === false) open.add(line.decisionId);
    }
    if (line.type === 'decision') {
      if ((options.from !== undefined && line.at < options.from) || (options.to !== undefined && line.at >= options.to)) {
        skip('outside time range');
      } else if (line.mode === 'shadow') {
        skip('shadow decision');
      } else if (line.holdout) {
        skip('holdout (nothing scored)');
      } else if (line.chosen.length === 0) {
        skip('nothing chosen');
      } else {
        decisions.push(line);
      }
      // `tact export` writes decisions with their outcomes embedded (a shadow line repeats its champion's).
      if (line.mode !== 'shadow') for (const o of embeddedOutcomes(line)) addOutcome(outcomes, o);
    } else if (line.type === 'outcome') {
      addOutcome(outcomes, line);
    }
    if (options.onProgress && lineNo % 5000 === 0) options.onProgress(log.bytesRead(), log.totalBytes);
  }
  options.onProgress?.(log.totalBytes, log.totalBytes);

  const rounds: LoggedRound[] = [];
  const windowClosed = (id: string): boolean => {
    if (closed.has(id)) return true;
    if (open.has(id)) return false;
    const expiry = decisionIdExpiry(id);
    // An id Tact did not issue carries no window end: nothing to go by but its outcomes.
    return expiry === undefined || expiry <= clock;
  };
  for (const d of decisions) {
    if (!windowClosed(d.decisionId)) {
      skip('window still open');
      continue;
    }
    const actionId = d.chosen[0] as string;
    const o = outcomes.get(`${d.decisionId}\u0000${actionId}`);
    if (!o || (o.rewards === 0 && o.defaultValue === undefined)) {
      skip('no outcome');
      continue;
    }
    const chosen = d.candidates.findIndex((c) => c.id === actionId);
    if (chosen < 0) {
      skip('chosen action not among candidates');
      continue;
    }
    const propensity = d.probabilities[0];
    if (propensity === undefined || !(propensity > 0)) {
      skip('no propensity');
      continue;
    }
    rounds.push(loggedRound(d, chosen, propensity, o.rewards > 0 ? o.rewardSum : (o.defaultValue as number)));
  }
  return { source: `tact:${path}`, rounds, skipped };
}

/** A decision line as an estimator's round: its rank-1 choice (index into its candidates), propensity and reward. */
export function loggedRound(d: DecisionLine, chosen: number, propensity: number, reward: number): LoggedRound {
  return {
    id: d.decisionId,
    at: d.at,
    context: d.context,
    actionIds: d.candidates.map((c) => c.id),
    actionFeatures: d.candidates.map((c) => c.features),
    chosen,
    propensity,
    reward,
    loggingProbabilities: Float64Array.from(d.candidates, (c) => c.probability),
  };
}
