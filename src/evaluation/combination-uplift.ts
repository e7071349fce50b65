import { tactError } from '../core/errors.js';
import { NO_SEND_ID } from '../domain/decision.js';
import { computeTerms, essOf, normalQuantile } from './estimators.js';
import { exportLog, type ExportedDecision, type ExportOptions } from './export-log.js';
import type { EvaluatedPolicy, LoggedData, LoggedRound } from './logged-data.js';
import { fitActionMeanModel } from './reward-model.js';
import { loggedRound } from './tact-log-reader.js';

/**
 * The money uplift of each trigger x message x channel combination over
 * no-send, from a decision log (issue 15).
 *
 * What is estimated, for a combination K (the actions whose trigger, message
 * and channel match its key; any send slot): over the decisions where K was
 * a candidate, the mean of E[reward | send K] - E[reward | no send], where
 * "send K" picks K's slot as the logging policy did (its probabilities
 * within K). Three estimates, each with a normal interval:
 *
 * - ips: per decision, 1[chosen in K] r / P(K) - 1[chosen no-send] r / P(no-send),
 *   P the logged probabilities: unbiased wherever both had a positive
 *   probability (exploration), which is why decisions without a no-send
 *   candidate are left out.
 * - dr: doubly robust, the same difference with a per-action mean reward
 *   model (estimators.ts's, fitted on the same decisions) as baseline: lower
 *   variance, unbiased as IPS is.
 * - holdout: where the policy keeps a control holdout, the IPS value of K on
 *   treated decisions minus the mean reward of the holdout decisions of the
 *   same trigger (and segment). The holdout is randomized by customer, but
 *   its lines carry no candidates, so it is compared with all the trigger's
 *   holdout decisions, including those where K would have been removed by a
 *   rule: an approximation when rules remove K for some customers.
 *
 * The interval of ips and dr is the normal one over the per-decision
 * differences (paired: both terms come from one decision). Combinations with
 * fewer than `minCount` decisions choosing K or no-send are flagged: their
 * intervals rest on too few rewards to be trusted.
 */

/**
 * Fields a combination can be keyed by. `segment` is the segment of the
 * campaign that made a decision (its campaign line); decisions made outside
 * campaigns (Decide, triggers) have none and count as segment "-".
 */
export type UpliftKey = 'trigger' | 'message' | 'channel' | 'slot' | 'segment';
export const UPLIFT_KEYS: readonly UpliftKey[] = ['trigger', 'message', 'channel', 'slot', 'segment'];
/** The segment of a decision no campaign made. */
export const NO_SEGMENT = '-';

export interface UpliftInterval {
  readonly value: number;
  readonly ciLow: number;
  readonly ciHigh: number;
}

export interface CombinationUplift {
  /** Key field -> value, in the order of `by`. */
  readonly key: Readonly<Record<string, string>>;
  /** Decisions where K and no-send were both candidates. */
  readonly decisions: number;
  /** Of those, how many chose an action of K, and how many chose no-send. */
  readonly chosen: number;
  readonly noSendChosen: number;
  /** Decisions choosing K that earned a nonzero reward (conversions). */
  readonly chosenRewarded: number;
  /** Decisions choosing no-send that earned one (customers converting on their own). */
  readonly noSendRewarded: number;
  /**
   * Effective numbers of conversions behind each side's IPS term, (sum w r)^2 / sum (w r)^2
   * over its rewarded decisions: below the count when a few conversions of rarely
   * explored decisions carry large weights. 0 when the side earned nothing.
   */
  readonly chosenEffective: number;
  readonly noSendEffective: number;
  /** Holdout decisions of the same trigger compared against (0: no holdout estimate). */
  readonly holdoutDecisions: number;
  readonly ips: UpliftInterval;
  readonly dr: UpliftInterval;
  readonly holdout?: UpliftInterval;
  /**
   * Too few decisions chose K or no-send (`minCount`), or K's conversions
   * are effectively too few (`minRewarded`, on `chosenEffective`), or
   * no-send's, when it earned anything: rare conversions make the
   * per-decision terms so skewed that a normal interval is too narrow (none
   * at all gives a zero-width one), the more so when a rarely explored side
   * weighs a few of them heavily. A no-send that never earned anything is
   * not flagged: where customers do not convert on their own, that is the
   * truth. Read the intervals with care.
   */
  readonly tooLittleData: boolean;
}

export interface CombinationOptions {
  readonly by: readonly UpliftKey[];
  /** 1 - confidence level; default 0.05. */
  readonly alpha?: number;
  /** Fewer decisions than this choosing K (or no-send) flags the combination; default 30. */
  readonly minCount?: number;
  /** Fewer rewarded decisions choosing K than this flags it too; default 10. */
  readonly minRewarded?: number;
}

interface Round {
  readonly logged: LoggedRound;
  readonly trigger: string;
  readonly segment: string;
  /** The combination key of each candidate ('' for no-send). */
  readonly keys: readonly string[];
}

/** Parts of a catalog action id, "message:channel:slot"; client candidates have no such parts. */
function parts(actionId: string, channel: string): { message: string; channel: string; slot: string } {
  const [message = actionId, ch = channel, slot = ''] = actionId.split(':');
  return { message, channel: ch || channel, slot };
}

/**
 * Collects decisions (one `add` each, in any order), then estimates every
 * combination seen. Holds the decisions in memory: a decision log's rows are
 * small, and DR needs its reward model fitted on all of them first.
 */
export class CombinationUpliftEstimator {
  private readonly rounds: Round[] = [];
  /** Holdout decisions' rewards by trigger. */
  private readonly holdout = new Map<string, number[]>();
  /** Decisions left out, by reason. */
  readonly skipped: Record<string, number> = {};

  constructor(private readonly options: CombinationOptions) {
    if (options.by.length === 0) throw tactError('BAD_CONFIGURATION', 'uplift by combination needs at least one key');
  }

  add(d: ExportedDecision): void {
    if (d.mode === 'shadow') return this.skip('shadow decision');
    if (!d.windowClosed) return this.skip('window still open');
    const reward = d.outcomes.reduce((s, o) => s + o.value, 0);
    const segment = d.segment ?? NO_SEGMENT;
    if (d.holdout) {
      const group = this.holdoutGroup(d.trigger, segment);
      const list = this.holdout.get(group) ?? [];
      list.push(reward);
      this.holdout.set(group, list);
      return;
    }
    const chosenId = d.chosen[0];
    const chosen = d.candidates.findIndex((c) => c.id === chosenId);
    if (chosen < 0) return this.skip('nothing chosen');
    if (!d.candidates.some((c) => c.id === NO_SEND_ID && c.probability > 0)) return this.skip('no-send not a candidate');
    this.rounds.push({
      trigger: d.trigger,
      segment,
      keys: d.candidates.map((c) => (c.id === NO_SEND_ID ? '' : this.keyOf(d.trigger, segment, c.id, c.channel))),
      logged: loggedRound(d, chosen, d.probabilities[0] ?? (d.candidates[chosen]?.probability as number), reward),
    });
  }

  /** Each decision estimated from, with the combination key (as in `keyText`) of each candidate: for checks against a known truth. */
  *offered(): Iterable<{ readonly decisionId: string; readonly keys: readonly string[] }> {
    for (const r of this.rounds) yield { decisionId: r.logged.id, keys: r.keys };
  }

  /** A result's key as `offered()` spells it. */
  keyText(key: Readonly<Record<string, string>>): string {
    return JSON.stringify(this.options.by.map((k) => key[k]));
  }

  results(): CombinationUplift[] {
    const by = this.options.by;
    const z = normalQuantile(1 - (this.options.alpha ?? 0.05) / 2);
    const min = { count: this.options.minCount ?? 30, rewarded: this.options.minRewarded ?? 10 };
    // Which combinations each decision offered: key string -> rounds.
    const groups = new Map<string, Round[]>();
    for (const r of this.rounds) {
      for (const key of new Set(r.keys)) {
        if (key === '') continue;
        const g = groups.get(key) ?? [];
        g.push(r);
        groups.set(key, g);
      }
    }
    return [...groups]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, rounds]) => this.estimate(key, rounds, z, min));
  }

  /** A candidate's combination, as JSON of the `by` fields in order. */
  private keyOf(trigger: string, segment: string, actionId: string, channel: string): string {
    const p = parts(actionId, channel);
    const all: Record<UpliftKey, string> = { trigger, message: p.message, channel: p.channel, slot: p.slot, segment };
    return JSON.stringify(this.options.by.map((k) => all[k]));
  }

  /** Which holdout decisions a combination is compared with: its trigger's when split by trigger, its segment's when split by segment. */
  private holdoutGroup(trigger: string, segment: string): string {
    const by = this.options.by;
    return `${by.includes('trigger') ? trigger : ''}\u0000${by.includes('segment') ? segment : ''}`;
  }

  private estimate(text: string, rounds: readonly Round[], z: number, min: { count: number; rewarded: number }): CombinationUplift {
    const values = JSON.parse(text) as string[];
    const key = Object.fromEntries(this.options.by.map((k, i) => [k, values[i] as string]));
    const roundOf = new Map(rounds.map((r) => [r.logged, r]));
    const inK = (r: LoggedRound, i: number): boolean => (roundOf.get(r) as Round).keys[i] === text;
    // Send K: the logging policy's own probabilities, renormalised within K.
    const sendK: EvaluatedPolicy = {
      name: text,
      probabilities(r) {
        const p = r.loggingProbabilities as Float64Array;
        const out = new Float64Array(r.actionIds.length);
        let total = 0;
        for (let i = 0; i < out.length; i++) if (inK(r, i)) total += (out[i] = p[i] as number);
        for (let i = 0; i < out.length; i++) out[i] = total > 0 ? (out[i] as number) / total : 0;
        return out;
      },
    };
    const noSend: EvaluatedPolicy = {
      name: NO_SEND_ID,
      probabilities: (r) => Float64Array.from(r.actionIds, (id) => (id === NO_SEND_ID ? 1 : 0)),
    };
    const data: LoggedData = { source: text, rounds: rounds.map((r) => r.logged), skipped: {} };
    const model = fitActionMeanModel(data);
    const k = computeTerms(data, sendK, model);
    const c = computeTerms(data, noSend, model);
    const n = data.rounds.length;
    const ipsDiff = new Float64Array(n);
    const drDiff = new Float64Array(n);
    let chosen = 0;
    let chosenRewarded = 0;
    let noSendChosen = 0;
    let noSendRewarded = 0;
    const effK = new Effective();
    const effNs = new Effective();
    for (let i = 0; i < n; i++) {
      const r = data.rounds[i] as LoggedRound;
      if (inK(r, r.chosen)) {
        chosen++;
        if (r.reward !== 0) chosenRewarded++;
        effK.add((k.w[i] as number) * r.reward);
      }
      if (r.actionIds[r.chosen] === NO_SEND_ID) {
        noSendChosen++;
        if (r.reward !== 0) noSendRewarded++;
        effNs.add((c.w[i] as number) * r.reward);
      }
      const term = (t: typeof k) => (t.w[i] as number) * (t.reward[i] as number);
      const dr = (t: typeof k) => (t.dmValue[i] as number) + (t.w[i] as number) * ((t.reward[i] as number) - (t.qLogged[i] as number));
      ipsDiff[i] = term(k) - term(c);
      drDiff[i] = dr(k) - dr(c);
    }
    const first = rounds[0];
    const held = first ? (this.holdout.get(this.holdoutGroup(first.trigger, first.segment)) ?? []) : [];
    const treatedK = Float64Array.from({ length: n }, (_, i) => (k.w[i] as number) * (k.reward[i] as number));
    return {
      key,
      decisions: n,
      chosen,
      noSendChosen,
      chosenRewarded,
      noSendRewarded,
      chosenEffective: effK.value(),
      noSendEffective: effNs.value(),
      holdoutDecisions: held.length,
      ips: meanInterval(ipsDiff, z),
      dr: meanInterval(drDiff, z),
      ...(held.length > 1 ? { holdout: differenceInterval(treatedK, Float64Array.from(held), z) } : {}),
      tooLittleData:
        chosen < min.count || noSendChosen < min.count || effK.value() < min.rewarded || (noSendRewarded > 0 && effNs.value() < min.rewarded),
    };
  }

  private skip(why: string): void {
    this.skipped[why] = (this.skipped[why] ?? 0) + 1;
  }
}

/** (sum x)^2 / sum x^2 of the terms added: how many equal terms would carry as much. */
class Effective {
  private sum = 0;
  private sumSq = 0;
  add(x: number): void {
    this.sum += x;
    this.sumSq += x * x;
  }
  value(): number {
    return essOf(this.sum, this.sumSq);
  }
}

function moments(x: Float64Array): { n: number; mean: number; variance: number } {
  const n = x.length;
  let sum = 0;
  for (const v of x) sum += v;
  const mean = n > 0 ? sum / n : Number.NaN;
  let ss = 0;
  for (const v of x) ss += (v - mean) ** 2;
  return { n, mean, variance: n > 1 ? ss / (n - 1) : Number.NaN };
}

function meanInterval(x: Float64Array, z: number): UpliftInterval {
  const m = moments(x);
  const half = z * Math.sqrt(m.variance / m.n);
  return { value: m.mean, ciLow: m.mean - half, ciHigh: m.mean + half };
}

/** Welch: two independent groups. */
function differenceInterval(a: Float64Array, b: Float64Array, z: number): UpliftInterval {
  const x = moments(a);
  const y = moments(b);
  const value = x.mean - y.mean;
  const half = z * Math.sqrt(x.variance / x.n + y.variance / y.n);
  return { value, ciLow: value - half, ciHigh: value + half };
}

export interface CombinationSummary {
  readonly results: readonly CombinationUplift[];
  readonly skipped: Readonly<Record<string, number>>;
}

/** Per-combination uplift from a decision log (every rotated segment, oldest first). */
export async function combinationUpliftFromLog(path: string, options: CombinationOptions & ExportOptions): Promise<CombinationSummary> {
  const estimator = new CombinationUpliftEstimator(options);
  await exportLog(path, (text) => estimator.add(JSON.parse(text) as ExportedDecision), options);
  return { results: estimator.results(), skipped: estimator.skipped };
}
