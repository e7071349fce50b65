import type { DecisionLogSink } from '../decision/log-entry.js';
import type { TactStore } from '../store/store.js';

export interface ForgetOutcome {
  /** Learning updates sent to every replica to be removed. */
  readonly updatesRemoved: number;
  readonly decisionsErased: number;
  readonly logLinesErased: number;
  /** Waiting trigger timers and queued sends taken out of the journey queues. */
  readonly journeyJobsRemoved: number;
}

/** The journeys' share of forgetting: trigger state, timers and queued sends. */
export interface JourneyForget {
  forget(customerId: string): Promise<{ timers: number; sends: number }>;
}

/**
 * Right to be forgotten. The store erases every key of the customer and hands
 * back the ledger of learning updates they contributed; each is published
 * with `unlearn`, newest first, so every replica removes them from its
 * learner in the reverse of the order they were added (a correction is
 * undone before the observation it corrects). Which updates the ledger still
 * holds is the ledger's retention (src/store/ledger.ts says what older ones
 * leave in the model). Then the decision log drops the customer's lines (a
 * file log: buffered ones at once, written ones by its erase deadline).
 * Before all that, the journeys erase the customer's trigger state and take
 * their waiting timers and queued sends out of the queues (those hold the
 * customer id, the cart and the message).
 *
 * The store is erased first, so a reward arriving afterwards finds no
 * decision (NOT_FOUND). A reward joined just before the erase whose update is
 * published just after it would start a new ledger entry: that window is one
 * await wide, and a second ForgetCustomer removes it.
 */
export async function forgetCustomer(
  deps: { readonly store: TactStore; readonly log: DecisionLogSink; readonly journeys?: JourneyForget },
  customerId: string,
): Promise<ForgetOutcome> {
  // Journeys first: a timer left behind would fire a decision for a forgotten customer.
  const jobs = (await deps.journeys?.forget(customerId)) ?? { timers: 0, sends: 0 };
  const { updates, decisionsErased } = await deps.store.forgetCustomer(customerId);
  for (let i = updates.length - 1; i >= 0; i--) {
    await deps.store.publish({ ...updates[i]!, unlearn: true });
  }
  const logLinesErased = await deps.log.erase(customerId);
  return { updatesRemoved: updates.length, decisionsErased, logLinesErased, journeyJobsRemoved: jobs.timers + jobs.sends };
}
