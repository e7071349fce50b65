import { SeededRandom } from '../core/random.js';
import type { EvaluatedPolicy, LoggedData } from './logged-data.js';
import { fitActionMeanModel, isActionMeanModel, type RewardModel } from './reward-model.js';
import { tactError } from '../core/errors.js';

/** One estimator's answer. */
export interface Estimate {
  readonly value: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  /**
   * Effective sample size (sum w)^2 / sum w^2 of the importance weights the
   * estimator uses; the direct method uses none, so its ess is the round count.
   */
  readonly ess: number;
}

export type EstimatorName = 'ips' | 'snips' | 'dm' | 'dr';
export const ESTIMATOR_NAMES: readonly EstimatorName[] = ['ips', 'snips', 'dm', 'dr'];

export interface EvaluationResult {
  readonly policy: string;
  readonly estimators: Readonly<Record<EstimatorName, Estimate>>;
  readonly rounds: number;
  /** Weights reduced to the clip value. */
  readonly clipped: number;
  /** Rounds whose logged propensity is below `tinyPropensity`. */
  readonly tinyPropensities: number;
  readonly minPropensity: number;
  /** Largest weight after clipping. */
  readonly maxWeight: number;
  readonly interval: IntervalKind;
  readonly rewardModel: string;
}

export type IntervalKind = 'bootstrap' | 'normal';

export interface EstimatorOptions {
  /** Weights above this are set to it (biased, lower variance). Default: no clipping. */
  readonly clip?: number;
  /** Bootstrap resamples. Default 1000. */
  readonly bootstrap?: number;
  /** Seed of the bootstrap's resampling. Default 0. */
  readonly seed?: number;
  /** 1 - confidence level. Default 0.05. */
  readonly alpha?: number;
  /** Propensities below this are counted as tiny. Default 1e-3. */
  readonly tinyPropensity?: number;
  /** Percentile bootstrap (default) or a normal approximation (delta method for SNIPS). */
  readonly interval?: IntervalKind;
  /** Reward model for DM and DR. Default: per-action mean fitted on the same log. */
  readonly rewardModel?: RewardModel;
  /** Called now and then during the bootstrap with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * What the bootstrap needs to refit the per-action mean model on each
 * resample: actions as dense integers and the evaluated policy's nonzero
 * probabilities per round (sparse, so deterministic policies cost one entry).
 */
export interface ActionMeanRefit {
  readonly prior: number;
  readonly actions: number;
  /** Dense index of each round's logged action. */
  readonly loggedAction: Int32Array;
  /** Round i's policy entries are piAction/piValue[piStart[i] .. piStart[i + 1]). */
  readonly piStart: Int32Array;
  readonly piAction: Int32Array;
  readonly piValue: Float64Array;
}

/**
 * Everything the estimators need, one number per round. With the default
 * per-action mean model the bootstrap refits the model on every resample, so
 * DM's and DR's intervals include the model's fitting noise. Any other model
 * is fitted once and held fixed under the bootstrap: its DM interval then only
 * reflects the variability of the contexts and is optimistic.
 */
export interface RoundTerms {
  readonly n: number;
  /** Importance weight pi(a_i|x_i) / p_i, after clipping. */
  readonly w: Float64Array;
  readonly reward: Float64Array;
  /** Model prediction for the logged action. */
  readonly qLogged: Float64Array;
  /** Model value of the evaluated policy: sum_a pi(a|x_i) q(x_i, a). */
  readonly dmValue: Float64Array;
  readonly refit: ActionMeanRefit | undefined;
  readonly clipped: number;
  readonly tiny: number;
  readonly minPropensity: number;
  readonly maxWeight: number;
}

export function computeTerms(
  data: LoggedData,
  policy: EvaluatedPolicy,
  model: RewardModel,
  clip = Number.POSITIVE_INFINITY,
  tinyPropensity = 1e-3,
): RoundTerms {
  const n = data.rounds.length;
  const w = new Float64Array(n);
  const reward = new Float64Array(n);
  const qLogged = new Float64Array(n);
  const dmValue = new Float64Array(n);
  const refitting = isActionMeanModel(model);
  const actionIndex = new Map<string, number>();
  // OBD rounds share one id array: map it to dense indices once, not per round.
  const denseCache = new WeakMap<readonly string[], Int32Array>();
  const dense = (ids: readonly string[]): Int32Array => {
    let out = denseCache.get(ids);
    if (!out) {
      out = Int32Array.from(ids, (id) => {
        let j = actionIndex.get(id);
        if (j === undefined) actionIndex.set(id, (j = actionIndex.size));
        return j;
      });
      denseCache.set(ids, out);
    }
    return out;
  };
  const loggedAction = new Int32Array(refitting ? n : 0);
  const piStart = new Int32Array(refitting ? n + 1 : 0);
  const piAction: number[] = [];
  const piValue: number[] = [];
  let clipped = 0;
  let tiny = 0;
  let minPropensity = Number.POSITIVE_INFINITY;
  let maxWeight = 0;
  let q = new Float64Array(0);
  for (let i = 0; i < n; i++) {
    const round = data.rounds[i]!;
    const k = round.actionIds.length;
    if (q.length < k) q = new Float64Array(k);
    const pi = policy.probabilities(round);
    if (pi.length !== k) {
      throw tactError('INVARIANT', `policy ${policy.name} returned ${pi.length} probabilities for ${k} candidates (round ${round.id})`);
    }
    model.predict(round, q);
    let dm = 0;
    for (let a = 0; a < k; a++) dm += (pi[a] as number) * (q[a] as number);
    if (refitting) {
      const ids = dense(round.actionIds);
      loggedAction[i] = ids[round.chosen] as number;
      for (let a = 0; a < k; a++) {
        if ((pi[a] as number) !== 0) {
          piAction.push(ids[a] as number);
          piValue.push(pi[a] as number);
        }
      }
      piStart[i + 1] = piAction.length;
    }
    const p = round.propensity;
    if (!(p > 0 && p <= 1)) throw tactError('BAD_INPUT_FILE', `round ${round.id}: propensity ${p} outside (0, 1]`);
    if (p < tinyPropensity) tiny++;
    if (p < minPropensity) minPropensity = p;
    let wi = (pi[round.chosen] as number) / p;
    if (wi > clip) {
      wi = clip;
      clipped++;
    }
    if (wi > maxWeight) maxWeight = wi;
    w[i] = wi;
    reward[i] = round.reward;
    qLogged[i] = q[round.chosen] as number;
    dmValue[i] = dm;
  }
  const refit: ActionMeanRefit | undefined = refitting
    ? {
        prior: model.prior,
        actions: actionIndex.size,
        loggedAction,
        piStart,
        piAction: Int32Array.from(piAction),
        piValue: Float64Array.from(piValue),
      }
    : undefined;
  return {
    n,
    w,
    reward,
    qLogged,
    dmValue,
    refit,
    clipped,
    tiny,
    minPropensity: n > 0 ? minPropensity : Number.NaN,
    maxWeight,
  };
}

/** Sums from which every estimator follows; one pass fills them for a (re)sample. */
interface Sums {
  n: number;
  w: number;
  w2: number;
  wr: number;
  dm: number;
  dr: number;
}

function emptySums(): Sums {
  return { n: 0, w: 0, w2: 0, wr: 0, dm: 0, dr: 0 };
}

/** Add round i, `c` times (its multiplicity in a bootstrap resample). */
function addRound(s: Sums, t: RoundTerms, i: number, c = 1): void {
  const w = t.w[i] as number;
  const r = t.reward[i] as number;
  s.n += c;
  s.w += c * w;
  s.w2 += c * w * w;
  s.wr += c * w * r;
  s.dm += c * (t.dmValue[i] as number);
  s.dr += c * ((t.dmValue[i] as number) + w * (r - (t.qLogged[i] as number)));
}

/** Scratch space for refitting the per-action mean model on a resample. */
interface RefitScratch {
  count: Float64Array;
  rewardSum: Float64Array;
  weightSum: Float64Array;
  policyMass: Float64Array;
}

/**
 * Replace s.dm and s.dr by their values under a model refitted on the
 * resample given by multiplicities `counts`. DR's sum regroups per action:
 * sum_i [sum_a pi_i(a) q(a) + w_i (r_i - q(a_i))]
 *   = sum_a q(a) (policyMass(a) - weightSum(a)) + sum_i w_i r_i.
 */
function refitDmDr(s: Sums, t: RoundTerms, refit: ActionMeanRefit, counts: Int32Array, scratch: RefitScratch): void {
  const { count, rewardSum, weightSum, policyMass } = scratch;
  count.fill(0);
  rewardSum.fill(0);
  weightSum.fill(0);
  policyMass.fill(0);
  let totalReward = 0;
  for (let i = 0; i < t.n; i++) {
    const c = counts[i] as number;
    if (c === 0) continue;
    const a = refit.loggedAction[i] as number;
    const r = t.reward[i] as number;
    count[a] = (count[a] as number) + c;
    rewardSum[a] = (rewardSum[a] as number) + c * r;
    weightSum[a] = (weightSum[a] as number) + c * (t.w[i] as number);
    totalReward += c * r;
    const end = refit.piStart[i + 1] as number;
    for (let j = refit.piStart[i] as number; j < end; j++) {
      const b = refit.piAction[j] as number;
      policyMass[b] = (policyMass[b] as number) + c * (refit.piValue[j] as number);
    }
  }
  const mean = totalReward / s.n;
  let dm = 0;
  let correction = 0;
  for (let a = 0; a < refit.actions; a++) {
    const q = ((rewardSum[a] as number) + refit.prior * mean) / ((count[a] as number) + refit.prior);
    dm += q * (policyMass[a] as number);
    correction += q * (weightSum[a] as number);
  }
  s.dm = dm;
  s.dr = dm - correction + s.wr;
}

/** Point values. SNIPS is NaN when no logged action has positive weight (no evidence at all). */
function values(s: Sums): Record<EstimatorName, number> {
  return {
    ips: s.wr / s.n,
    snips: s.w > 0 ? s.wr / s.w : Number.NaN,
    dm: s.dm / s.n,
    dr: s.dr / s.n,
  };
}

export const essOf = (sumW: number, sumW2: number): number => (sumW2 > 0 ? (sumW * sumW) / sumW2 : 0);

/** Linear-interpolated quantile of an ascending-sorted array. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const frac = pos - lo;
  return (sorted[lo] as number) * (1 - frac) + (sorted[hi] as number) * frac;
}

/** Inverse standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  if (p > 1 - pLow) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
}

type Intervals = Record<EstimatorName, [number, number]>;

/**
 * Percentile bootstrap: resample rounds with replacement (seeded), recompute
 * every estimator on the same resample, take the alpha/2 and 1 - alpha/2
 * quantiles. Resamples where SNIPS is undefined are left out of its quantiles.
 */
export function bootstrapIntervals(
  t: RoundTerms,
  resamples: number,
  seed: number,
  alpha: number,
  onProgress?: (done: number, total: number) => void,
): Intervals {
  const rng = new SeededRandom(seed);
  const draws: Record<EstimatorName, Float64Array> = {
    ips: new Float64Array(resamples),
    snips: new Float64Array(resamples),
    dm: new Float64Array(resamples),
    dr: new Float64Array(resamples),
  };
  let snipsCount = 0;
  const n = t.n;
  const every = Math.max(1, Math.floor(resamples / 100));
  const counts = new Int32Array(n);
  const m = t.refit?.actions ?? 0;
  const scratch: RefitScratch = {
    count: new Float64Array(m),
    rewardSum: new Float64Array(m),
    weightSum: new Float64Array(m),
    policyMass: new Float64Array(m),
  };
  for (let b = 0; b < resamples; b++) {
    // Multiplicities instead of an index list: one sequential pass over the rounds per resample.
    counts.fill(0);
    for (let j = 0; j < n; j++) {
      const i = Math.floor(rng.next() * n);
      counts[i] = (counts[i] as number) + 1;
    }
    const s = emptySums();
    for (let i = 0; i < n; i++) {
      const c = counts[i] as number;
      if (c !== 0) addRound(s, t, i, c);
    }
    if (t.refit) refitDmDr(s, t, t.refit, counts, scratch);
    const v = values(s);
    draws.ips[b] = v.ips;
    draws.dm[b] = v.dm;
    draws.dr[b] = v.dr;
    if (!Number.isNaN(v.snips)) draws.snips[snipsCount++] = v.snips;
    if (onProgress && (b + 1) % every === 0) onProgress(b + 1, resamples);
  }
  const out = {} as Intervals;
  for (const name of ESTIMATOR_NAMES) {
    const sorted = (name === 'snips' ? draws.snips.subarray(0, snipsCount) : draws[name]).sort();
    out[name] = [quantileSorted(sorted, alpha / 2), quantileSorted(sorted, 1 - alpha / 2)];
  }
  return out;
}

/**
 * Normal-approximation intervals: mean +- z * sd / sqrt(n) of each
 * estimator's per-round terms; SNIPS by the delta method, whose influence
 * terms are w_i (r_i - V) / mean(w).
 */
export function normalIntervals(t: RoundTerms, alpha: number): Intervals {
  const z = normalQuantile(1 - alpha / 2);
  const n = t.n;
  const all = emptySums();
  for (let i = 0; i < n; i++) addRound(all, t, i);
  const v = values(all);
  const meanW = all.w / n;
  let ssIps = 0;
  let ssSnips = 0;
  let ssDm = 0;
  let ssDr = 0;
  for (let i = 0; i < n; i++) {
    const w = t.w[i] as number;
    const r = t.reward[i] as number;
    const dm = t.dmValue[i] as number;
    ssIps += (w * r - v.ips) ** 2;
    if (meanW > 0) ssSnips += ((w * (r - v.snips)) / meanW) ** 2;
    ssDm += (dm - v.dm) ** 2;
    ssDr += (dm + w * (r - (t.qLogged[i] as number)) - v.dr) ** 2;
  }
  const half = (ss: number): number => (n > 1 ? (z * Math.sqrt(ss / (n - 1))) / Math.sqrt(n) : Number.NaN);
  const around = (value: number, ss: number): [number, number] => [value - half(ss), value + half(ss)];
  return {
    ips: around(v.ips, ssIps),
    snips: around(v.snips, ssSnips),
    dm: around(v.dm, ssDm),
    dr: around(v.dr, ssDr),
  };
}

/** Estimate a policy's value on a log with IPS, SNIPS, DM and DR. */
export function evaluatePolicy(data: LoggedData, policy: EvaluatedPolicy, options: EstimatorOptions = {}): EvaluationResult {
  if (data.rounds.length === 0) throw tactError('BAD_INPUT_FILE', `no rounds to evaluate in ${data.source}`);
  const clip = options.clip ?? Number.POSITIVE_INFINITY;
  if (!(clip > 0)) throw tactError('BAD_CONFIGURATION', `clip must be positive, got ${clip}`);
  const alpha = options.alpha ?? 0.05;
  const interval = options.interval ?? 'bootstrap';
  const model = options.rewardModel ?? fitActionMeanModel(data);
  const t = computeTerms(data, policy, model, clip, options.tinyPropensity ?? 1e-3);
  return estimateFromTerms(t, policy.name, model.name, {
    interval,
    alpha,
    resamples: options.bootstrap ?? 1000,
    seed: options.seed ?? 0,
    onProgress: options.onProgress,
  });
}

export function estimateFromTerms(
  t: RoundTerms,
  policyName: string,
  modelName: string,
  o: {
    interval: IntervalKind;
    alpha: number;
    resamples: number;
    seed: number;
    onProgress?: ((done: number, total: number) => void) | undefined;
  },
): EvaluationResult {
  const all = emptySums();
  for (let i = 0; i < t.n; i++) addRound(all, t, i);
  const v = values(all);
  const ci = o.interval === 'normal' ? normalIntervals(t, o.alpha) : bootstrapIntervals(t, o.resamples, o.seed, o.alpha, o.onProgress);
  const essW = essOf(all.w, all.w2);
  const make = (name: EstimatorName, ess: number): Estimate => ({
    value: v[name],
    ciLow: ci[name][0],
    ciHigh: ci[name][1],
    ess,
  });
  return {
    policy: policyName,
    estimators: { ips: make('ips', essW), snips: make('snips', essW), dm: make('dm', t.n), dr: make('dr', essW) },
    rounds: t.n,
    clipped: t.clipped,
    tinyPropensities: t.tiny,
    minPropensity: t.minPropensity,
    maxWeight: t.maxWeight,
    interval: o.interval,
    rewardModel: modelName,
  };
}
