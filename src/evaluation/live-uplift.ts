import { dropOldest } from '../core/drop-oldest.js';

/**
 * Live uplift over no-send, by trigger and by channel, for the Prometheus
 * gauges (the offline, per-combination figure is combination-uplift.ts).
 *
 * By trigger: the treated decisions' reward per decision minus the control
 * holdout's, as the per-policy uplift gauge does; the holdout is randomized
 * by customer, so the difference is unbiased wherever a policy keeps one.
 *
 * By channel: inverse propensity, from the policy's own exploration. For a
 * decision where channel c and no-send both had a probability (P(c) summed
 * over c's candidates, P(ns)), the term is r / P(c) when the choice was on c,
 * minus r / P(ns) when it was no-send, else 0; the mean over those decisions
 * estimates E[r | send on c] - E[r | no send] (message and slot as the policy
 * picks them within c). A term is 0 until a reward comes, so a decision needs
 * remembering only if it chose something: its weight and, for no-send, the
 * channels it offered, until its window closes.
 *
 * Labels stay bounded: the caller passes catalog channels and triggers
 * through its label guards.
 */

/** The candidates a policy chose from and their rank-1 probabilities, as the engine has them (no copy per decision). */
export interface Offered {
  readonly candidates: readonly { readonly channel: string; readonly noSend: boolean }[];
  readonly pmf: ArrayLike<number>;
  /** Channel name to metric label (bounded), applied before anything is kept. */
  readonly label?: (channel: string) => string;
}

export interface LiveUpliftDecision {
  readonly decisionId: string;
  readonly trigger: string;
  readonly holdout: boolean;
  /** End of the attribution window (ms since epoch): rewards after it are not expected. */
  readonly expiresAt: number;
  /** The rank-1 choice's channel, '' for no-send. */
  readonly chosenChannel: string;
  /** Absent: holdout or forced (nothing was chosen by the policy). */
  readonly offered?: Offered;
}

interface Pending {
  readonly expiresAt: number;
  /** 1 / P(chosen channel), or 1 / P(no-send). */
  readonly weight: number;
  /** Channel chosen, or '' for no-send. */
  readonly channel: string;
  /** No-send chosen: every channel it was compared with. */
  readonly against: readonly string[];
}

interface Sums {
  decisions: number;
  value: number;
}

export class LiveUplift {
  private readonly triggers = new Map<string, { treated: Sums; holdout: Sums }>();
  private readonly channels = new Map<string, Sums>();
  private readonly pending = new Map<string, Pending>();
  private sincePrune = 0;

  constructor(
    /** Most decisions awaiting rewards; beyond it the oldest are forgotten (their rewards then count 0). */
    private readonly maxPending = 200_000,
    /** Kept this long after a window closes: rewards are joined up to the window's end. */
    private readonly graceMs = 60_000,
  ) {}

  onDecision(d: LiveUpliftDecision, now: number): void {
    const t = this.trigger(d.trigger);
    (d.holdout ? t.holdout : t.treated).decisions++;
    if (d.holdout || !d.offered) return;
    const byChannel = new Map<string, number>();
    let noSend = 0;
    const { candidates, pmf } = d.offered;
    const label = d.offered.label ?? ((c: string) => c);
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i] as Offered['candidates'][number];
      const p = pmf[i] ?? 0;
      if (c.noSend) noSend += p;
      else if (p > 0) {
        const name = label(c.channel);
        byChannel.set(name, (byChannel.get(name) ?? 0) + p);
      }
    }
    if (noSend <= 0 || byChannel.size === 0) return;
    for (const c of byChannel.keys()) this.channel(c).decisions++;
    const chosen = d.chosenChannel === '' ? noSend : byChannel.get(d.chosenChannel);
    if (chosen === undefined) return;
    this.pending.set(d.decisionId, {
      expiresAt: d.expiresAt,
      weight: 1 / chosen,
      channel: d.chosenChannel,
      against: d.chosenChannel === '' ? [...byChannel.keys()] : [],
    });
    if (++this.sincePrune >= 1000) this.prune(now);
  }

  /** A joined reward (Reward or a holdout's reported conversion). */
  onReward(decisionId: string, trigger: string, holdout: boolean, value: number): void {
    const t = this.trigger(trigger);
    (holdout ? t.holdout : t.treated).value += value;
    const p = this.pending.get(decisionId);
    if (!p) return;
    if (p.channel !== '') this.channel(p.channel).value += value * p.weight;
    else for (const c of p.against) this.channel(c).value -= value * p.weight;
  }

  /** Treated minus holdout reward per decision, for triggers with both. */
  *byTrigger(): Iterable<{ trigger: string; uplift: number }> {
    for (const [trigger, t] of this.triggers) {
      if (t.treated.decisions === 0 || t.holdout.decisions === 0) continue;
      yield { trigger, uplift: t.treated.value / t.treated.decisions - t.holdout.value / t.holdout.decisions };
    }
  }

  /** IPS uplift of sending on each channel over no-send. */
  *byChannel(): Iterable<{ channel: string; uplift: number; decisions: number }> {
    for (const [channel, s] of this.channels) if (s.decisions > 0) yield { channel, uplift: s.value / s.decisions, decisions: s.decisions };
  }

  private trigger(name: string): { treated: Sums; holdout: Sums } {
    let t = this.triggers.get(name);
    if (!t) this.triggers.set(name, (t = { treated: { decisions: 0, value: 0 }, holdout: { decisions: 0, value: 0 } }));
    return t;
  }

  private channel(name: string): Sums {
    let s = this.channels.get(name);
    if (!s) this.channels.set(name, (s = { decisions: 0, value: 0 }));
    return s;
  }

  /**
   * Drop decisions whose windows have closed, from the oldest, stopping at
   * the first still open (as LiveValueEstimator.prune does): insertion order
   * is expiry order for one window length, so this is amortised O(1) where a
   * full scan read every pending decision (up to maxPending) once per 1,000
   * Decides. A shorter window behind a longer one waits for it, bounded by
   * maxPending. Then, if still too many, the oldest.
   */
  private prune(now: number): void {
    this.sincePrune = 0;
    for (const [id, p] of this.pending) {
      if (p.expiresAt + this.graceMs >= now) break;
      this.pending.delete(id);
    }
    dropOldest(this.pending, this.maxPending);
  }
}
