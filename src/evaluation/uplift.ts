import { normalQuantile } from './estimators.js';
import { exportLog, type ExportOptions } from './export-log.js';

/** One policy's treated group against its control holdout. */
export interface UpliftResult {
  readonly policy: string;
  readonly treated: GroupStats;
  readonly holdout: GroupStats;
  /** Treated mean minus holdout mean. */
  readonly uplift: number;
  /** Normal (Welch) interval at 1 - alpha. */
  readonly ciLow: number;
  readonly ciHigh: number;
  /** Relative uplift, uplift / holdout mean (NaN when the holdout mean is 0). */
  readonly relative: number;
}

export interface GroupStats {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation. */
  readonly sd: number;
}

/**
 * Running per-policy sums of decision rewards, split by holdout membership.
 * Additive and O(policies) in memory, so the live metrics can keep one and
 * feed it decision by decision.
 */
export class UpliftAccumulator {
  private readonly groups = new Map<string, { t: Moments; h: Moments }>();

  /** One decision's total reward (every outcome of every chosen action; a holdout's reported conversions). */
  add(policy: string, holdout: boolean, reward: number): void {
    let g = this.groups.get(policy);
    if (!g) {
      g = { t: new Moments(), h: new Moments() };
      this.groups.set(policy, g);
    }
    (holdout ? g.h : g.t).add(reward);
  }

  results(alpha = 0.05): UpliftResult[] {
    const z = normalQuantile(1 - alpha / 2);
    return [...this.groups].map(([policy, g]) => {
      const treated = g.t.stats();
      const holdout = g.h.stats();
      const uplift = treated.mean - holdout.mean;
      const se = Math.sqrt((treated.n > 0 ? treated.sd ** 2 / treated.n : NaN) + (holdout.n > 0 ? holdout.sd ** 2 / holdout.n : NaN));
      return {
        policy,
        treated,
        holdout,
        uplift,
        ciLow: uplift - z * se,
        ciHigh: uplift + z * se,
        relative: holdout.mean !== 0 ? uplift / holdout.mean : NaN,
      };
    });
  }
}

class Moments {
  n = 0;
  private mean = 0;
  private m2 = 0;
  /** Welford: stable for long streams of mostly-zero rewards. */
  add(x: number): void {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }
  stats(): GroupStats {
    return { n: this.n, mean: this.n > 0 ? this.mean : NaN, sd: this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : NaN };
  }
}

export interface UpliftSummary {
  readonly results: readonly UpliftResult[];
  /** Decisions left out because their window was still open at the end of the log. */
  readonly open: number;
}

/**
 * Uplift per policy from a decision log. A decision's reward is the sum of
 * all its outcomes: joined rewards, and the window's default for chosen
 * actions that got none; a holdout decision with no reported conversion
 * counts 0 once its window has closed. Decisions whose window is still open
 * at the end of the log are left out of both groups alike, so neither is
 * biased towards zero.
 */
export async function upliftFromLog(path: string, options: ExportOptions & { alpha?: number } = {}): Promise<UpliftSummary> {
  const acc = new UpliftAccumulator();
  let open = 0;
  await exportLog(
    path,
    (text) => {
      const d = JSON.parse(text) as { mode: string; policy: string; holdout: boolean; windowClosed: boolean; outcomes: { value: number }[] };
      if (d.mode === 'shadow') return;
      if (!d.windowClosed) {
        open++;
        return;
      }
      acc.add(d.policy, d.holdout, d.outcomes.reduce((s, o) => s + o.value, 0));
    },
    options,
  );
  return { results: acc.results(options.alpha ?? 0.05), open };
}
