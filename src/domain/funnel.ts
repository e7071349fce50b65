/**
 * What the funnel knows of one chosen action once its window closed: the
 * evidence funnel learning (src/learners/funnel.ts) learns from besides the
 * money, published with the action's whole outcome.
 */
export interface FunnelEvidence {
  /** An opened or clicked receipt was joined to the decision's action. */
  readonly engaged: boolean;
}
