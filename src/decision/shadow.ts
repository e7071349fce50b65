import { murmur3 } from '../core/hash.js';
import { SeededRandom } from '../core/random.js';
import { computePmf, sampleIndex } from '../explore/pmf.js';
import { EMPTY_FEATURES, type Features } from '../domain/features.js';
import type { Policy } from '../policies/policy-set.js';
import type { DecisionLogSink } from './log-entry.js';
import type { Candidate } from '../domain/decision.js';

/** What the champion decided, as the shadows need it. */
export interface ChampionDecision {
  readonly decisionId: string;
  readonly customerId: string;
  readonly at: number;
  readonly trigger: string;
  readonly context: Features;
  readonly eligible: readonly Candidate[];
  /** Index in `eligible` of the champion's rank-1 choice, and its propensity. */
  readonly chosenIndex: number;
  readonly propensity: number;
  readonly expiresAt: number;
  readonly now: number;
}

/**
 * Apprentice scoring: each shadow scores the champion's eligible candidates
 * and computes its PMF, but serves nothing. Its line is logged with mode
 * "shadow" under the champion's decisionId (readers join them; context and candidate
 * features are left out because the champion's line already has them, which
 * halves the log cost), and its probability of the champion's choice over
 * the champion's propensity becomes the live estimator's importance weight.
 *
 * Runs on the request path after the champion's choice: its cost is one more
 * prepare + score + PMF per shadow (see bench/results/shadow-overhead.md).
 */
export function scoreShadows(shadows: readonly Policy[], d: ChampionDecision, log: DecisionLogSink, seed: number): void {
  const n = d.eligible.length;
  const chosenId = (d.eligible[d.chosenIndex] as Candidate).id;
  for (const shadow of shadows) {
    const mean = new Float64Array(n);
    const width = new Float64Array(n);
    const pmf = new Float64Array(n);
    shadow.learner.score(shadow.learner.prepare(d.context), d.eligible, { mean, width });
    // Seeded per shadow and decision: the shadow's own draw replays exactly and is independent of the champion's.
    const rng = new SeededRandom(murmur3(`${d.decisionId}/${shadow.name}`, seed));
    computePmf(shadow.config.exploration, { mean, width }, n, rng, pmf, shadow.learner.updates);
    const own = sampleIndex(pmf, n, rng);
    shadow.live?.expect(d.decisionId, chosenId, (pmf[d.chosenIndex] as number) / d.propensity, d.expiresAt, d.now);
    log.append({
      type: 'decision',
      decisionId: d.decisionId,
      customerId: d.customerId,
      policy: shadow.name,
      modelVersion: shadow.modelVersion,
      mode: 'shadow',
      at: d.at,
      trigger: d.trigger,
      context: EMPTY_FEATURES,
      candidates: d.eligible.map((c, i) => ({
        id: c.id,
        channel: c.channel,
        features: EMPTY_FEATURES,
        probability: pmf[i] as number,
        score: mean[i] as number,
      })),
      chosen: [(d.eligible[own] as Candidate).id],
      probabilities: [pmf[own] as number],
      holdout: false,
    });
  }
}
