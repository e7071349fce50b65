import type { LiveEstimate } from './live-estimate.js';
import type { PolicySet } from './policy-set.js';
import type { SelfTuningConfig } from './policy-config.js';

/** A promotion self-tuning made, with the evidence it acted on. */
export interface SelfTuningSwitch {
  readonly previous: string;
  readonly current: string;
  /** The winner's live estimate at the switch (SNIPS and its interval, rounds, ESS, champion mean). */
  readonly estimate: LiveEstimate;
}

/**
 * Promotes the best shadow when its interval says it is better: among the
 * shadows whose live estimate has enough rounds and effective sample size,
 * the one whose SNIPS interval's low end clears the champion's mean on the
 * same decisions by the margin the most. Promotion goes through
 * PolicySet.promote, so `tact promote --rollback` undoes it like an
 * operator's. Every shadow's estimate then starts afresh against the new
 * champion, which also keeps a just-promoted policy from being switched
 * back before new evidence has accumulated.
 *
 * Per replica, like Promote: what policies learn does not depend on it
 * (PolicySet.apply), so replicas that switch at different moments stay
 * identical learners; each decision logs the policy that made it.
 */
export class SelfTuner {
  private sinceCheck = 0;
  private readonly listeners: Array<(s: SelfTuningSwitch) => void> = [];

  constructor(
    private readonly policies: PolicySet,
    private readonly config: SelfTuningConfig,
  ) {}

  /** Called with every switch (the log line, the metric). */
  onSwitch(listener: (s: SelfTuningSwitch) => void): void {
    this.listeners.push(listener);
  }

  /** Called after each learning update applied; looks every `checkEvery` updates. */
  afterUpdate(): void {
    if (++this.sinceCheck < this.config.checkEvery) return;
    this.sinceCheck = 0;
    this.check();
  }

  /** Look now; the switch made, if any. */
  check(): SelfTuningSwitch | undefined {
    const champion = this.policies.get();
    let best: { name: string; estimate: LiveEstimate; lead: number } | undefined;
    for (const shadow of this.policies.shadowsOf(champion)) {
      const e = shadow.liveEstimate();
      if (!e || e.rounds < this.config.minRounds || e.ess < this.config.minEss) continue;
      const lead = e.snipsLow - e.championMean;
      if (!(lead > this.config.margin)) continue;
      if (!best || lead > best.lead) best = { name: shadow.name, estimate: e, lead };
    }
    if (!best) return undefined;
    const { previous, current } = this.policies.promote(best.name);
    for (const p of this.policies.all()) p.live?.reset();
    const made = { previous, current, estimate: best.estimate };
    for (const listener of this.listeners) listener(made);
    return made;
  }
}
