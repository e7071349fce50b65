import type { LearningUpdate } from '../store/store.js';

/**
 * A shadow policy's value, estimated continuously from the champion's own
 * decisions: for each champion decision the shadow's probability of the
 * champion's rank-1 action over the champion's propensity is the importance
 * weight w; when that action's reward arrives (a joined reward or the
 * window's default, both as learning updates), IPS accumulates w * r and
 * SNIPS divides by the sum of w. Rewards are the learning targets (value net
 * of the channel's cost), so the champion's on-policy mean of the same
 * targets is tracked alongside for comparison.
 *
 * Memory: one small entry per decision still inside its attribution window
 * (a reward may yet correct it), pruned as windows close and capped.
 */
export interface LiveEstimate {
  /** Champion decisions whose rank-1 reward has arrived. */
  readonly rounds: number;
  readonly ips: number;
  readonly ipsLow: number;
  readonly ipsHigh: number;
  readonly snips: number;
  readonly snipsLow: number;
  readonly snipsHigh: number;
  /** (sum w)^2 / sum w^2. */
  readonly ess: number;
  /** The champion's mean reward on the same rounds (w = 1). */
  readonly championMean: number;
  /** Decisions dropped from the pending table because it was full. */
  readonly dropped: number;
}

interface Pending {
  readonly actionId: string;
  readonly weight: number;
  readonly expiresAt: number;
  /** The reward counted so far; undefined until the first one arrives. */
  reward: number | undefined;
}

/** z for a two-sided 95% normal interval. */
const Z95 = 1.959963984540054;

export class LiveValueEstimator {
  private readonly pending = new Map<string, Pending>();
  private n = 0;
  private sumW = 0;
  private sumW2 = 0;
  private sumWR = 0;
  private sumW2R = 0;
  private sumW2R2 = 0;
  private sumR = 0;
  private dropped = 0;
  private sincePrune = 0;

  constructor(
    /** Most decisions awaiting rewards; beyond it the oldest are forgotten. */
    private readonly maxPending = 1_000_000,
    /** Kept this long after a window closes: the default reward is written by a periodic sweep. */
    private readonly graceMs = 60_000,
  ) {}

  /** The champion decided; w = shadow PMF(a) / champion propensity(a) for its rank-1 action a. */
  expect(decisionId: string, actionId: string, weight: number, expiresAt: number, now: number): void {
    if (++this.sincePrune >= 1024) this.prune(now);
    if (this.pending.size >= this.maxPending) {
      const oldest = this.pending.keys().next();
      if (!oldest.done) this.pending.delete(oldest.value);
      this.dropped++;
    }
    this.pending.set(decisionId, { actionId, weight, expiresAt, reward: undefined });
  }

  /** A learning update of the champion: counts when it is a rank-1 reward of an expected decision. */
  observe(update: LearningUpdate): void {
    if (update.unlearn) return;
    const p = this.pending.get(update.decisionId);
    if (!p || p.actionId !== update.actionId) return;
    if (p.reward !== undefined) this.remove(p.weight, p.reward);
    // A correction carries the new total; a first reward has no previous one.
    p.reward = update.reward;
    this.add(p.weight, p.reward);
  }

  estimate(): LiveEstimate {
    const n = this.n;
    if (n === 0) {
      return { rounds: 0, ips: NaN, ipsLow: NaN, ipsHigh: NaN, snips: NaN, snipsLow: NaN, snipsHigh: NaN, ess: 0, championMean: NaN, dropped: this.dropped };
    }
    const ips = this.sumWR / n;
    const ipsVar = Math.max(0, this.sumW2R2 / n - ips * ips) / Math.max(1, n - 1);
    const snips = this.sumW > 0 ? this.sumWR / this.sumW : NaN;
    // Delta method: Var(SNIPS) ~ sum (w_i (r_i - snips))^2 / (sum w)^2.
    const snipsVar = this.sumW > 0 ? Math.max(0, this.sumW2R2 - 2 * snips * this.sumW2R + snips * snips * this.sumW2) / (this.sumW * this.sumW) : NaN;
    const ipsHalf = Z95 * Math.sqrt(ipsVar);
    const snipsHalf = Z95 * Math.sqrt(snipsVar);
    return {
      rounds: n,
      ips,
      ipsLow: ips - ipsHalf,
      ipsHigh: ips + ipsHalf,
      snips,
      snipsLow: snips - snipsHalf,
      snipsHigh: snips + snipsHalf,
      ess: this.sumW2 > 0 ? (this.sumW * this.sumW) / this.sumW2 : 0,
      championMean: this.sumR / n,
      dropped: this.dropped,
    };
  }

  /**
   * Start counting afresh (a new champion: its propensities are the new
   * importance weights' denominators, and its mean the new comparison).
   */
  reset(): void {
    this.pending.clear();
    this.n = this.sumW = this.sumW2 = this.sumWR = this.sumW2R = this.sumW2R2 = this.sumR = 0;
  }

  /** Decisions still awaiting or open to rewards. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Forget decisions whose windows closed more than the grace period ago.
   * From the oldest only: one policy's window is fixed, so insertion order is
   * expiry order and the scan stops at the first live entry (amortised O(1)).
   */
  prune(now: number): void {
    this.sincePrune = 0;
    for (const [id, p] of this.pending) {
      if (p.expiresAt + this.graceMs >= now) break;
      this.pending.delete(id);
    }
  }

  private add(w: number, r: number): void {
    this.n++;
    this.sumW += w;
    this.sumW2 += w * w;
    this.sumWR += w * r;
    this.sumW2R += w * w * r;
    this.sumW2R2 += w * w * r * r;
    this.sumR += r;
  }

  private remove(w: number, r: number): void {
    this.n--;
    this.sumW -= w;
    this.sumW2 -= w * w;
    this.sumWR -= w * r;
    this.sumW2R -= w * w * r;
    this.sumW2R2 -= w * w * r * r;
    this.sumR -= r;
  }
}
