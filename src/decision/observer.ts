import type { Candidate, Decision, Removal } from '../domain/decision.js';

/** What one Decide did, for metrics; built only when an observer is attached. */
export interface DecisionStats {
  /** Candidates before the rules. */
  readonly candidates: number;
  /** Every removal, also when the request did not ask for `explain`. */
  readonly removed: readonly Removal[];
  /** Wall time of the pipeline, seconds. */
  readonly seconds: number;
  readonly trigger: string;
  /** End of the attribution window (ms since epoch). */
  readonly expiresAt: number;
  /**
   * What the policy chose from and the rank-1 probabilities (the engine's own
   * arrays, not copies); absent for holdout and forced answers. The live
   * per-channel uplift weighs rewards by them.
   */
  readonly offered?: { readonly candidates: readonly Candidate[]; readonly pmf: Float64Array };
}

/**
 * Observes finished decisions (metrics, live uplift). Called synchronously at
 * the end of Decide, so it must be cheap and must not throw.
 */
export interface DecisionObserver {
  onDecision(decision: Decision, stats: DecisionStats): void;
}
