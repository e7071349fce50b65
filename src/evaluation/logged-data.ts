import type { Features } from '../domain/features.js';

/**
 * One logged round as an off-policy estimator consumes it: what the logging
 * policy saw, what it could have chosen, what it chose with which
 * probability, and what came back. Candidate arrays may be shared between
 * rounds (the OBD action set is the same for every row), so treat them as
 * read-only.
 */
export interface LoggedRound {
  /** Decision id (Tact) or row index (OBD): for error messages and joins. */
  readonly id: string;
  /** ms since epoch, when known. */
  readonly at: number;
  readonly context: Features;
  readonly actionIds: readonly string[];
  readonly actionFeatures: readonly Features[];
  /** Index into actionIds of the logged (rank-1) choice. */
  readonly chosen: number;
  /** Probability the logging policy gave the chosen action. */
  readonly propensity: number;
  readonly reward: number;
  /** OBD's slot (1-3); undefined for Tact logs. */
  readonly position?: number;
  /** The logging policy's full PMF over candidates, when the log has it (Tact does, OBD does not). */
  readonly loggingProbabilities?: Float64Array;
}

export interface LoggedData {
  /** Human-readable origin (path and format) for reports. */
  readonly source: string;
  readonly rounds: readonly LoggedRound[];
  /** Rounds the reader dropped, by reason (e.g. "no outcome"), so reports can say so. */
  readonly skipped: Readonly<Record<string, number>>;
}

/**
 * A policy under evaluation. It returns a PMF over the round's candidates
 * (same order as `round.actionIds`, summing to 1); a deterministic policy puts
 * 1 on one action. Must not depend on the logged choice or reward.
 */
export interface EvaluatedPolicy {
  readonly name: string;
  probabilities(round: LoggedRound): Float64Array;
}

/** The uniform-random policy: 1/K on each of the round's K candidates. */
export const uniformPolicy: EvaluatedPolicy = {
  name: 'uniform',
  probabilities(round) {
    const k = round.actionIds.length;
    return new Float64Array(k).fill(1 / k);
  },
};

/** A deterministic policy always choosing `actionId` (uniform when it is not a candidate). */
export function constantPolicy(actionId: string): EvaluatedPolicy {
  return {
    name: `always:${actionId}`,
    probabilities(round) {
      const k = round.actionIds.length;
      const out = new Float64Array(k);
      const i = round.actionIds.indexOf(actionId);
      if (i >= 0) out[i] = 1;
      else out.fill(1 / k);
      return out;
    },
  };
}

/** Argmax of scores as a deterministic PMF; ties go to the first (stable, reproducible). */
export function argmaxPmf(scores: Float64Array): Float64Array {
  const out = new Float64Array(scores.length);
  if (scores.length === 0) return out;
  let best = 0;
  for (let i = 1; i < scores.length; i++) {
    if ((scores[i] as number) > (scores[best] as number)) best = i;
  }
  out[best] = 1;
  return out;
}
