import type { Decision } from '../domain/decision.js';
import type { Features } from '../domain/features.js';
import type { FunnelEvidence } from '../domain/funnel.js';
import type { ConsentState, CustomerEvent, CustomerState, SendReservation } from '../domain/customer.js';

// The customer vocabulary is the domain's; the store's callers get it here too.
export type { ConsentState, CustomerEventType, CustomerEvent, ItemEvent, SendRecord, CustomerState, CapCheck, SendReservation } from '../domain/customer.js';

/**
 * State behind one interface, so the engine never knows whether it runs alone
 * (memory) or in a fleet (redis). Every adapter passes the same conformance
 * suite (test/store/conformance.ts).
 */

/** A chosen action as the decision log keeps it for the reward join. */
export interface LoggedChoice {
  readonly actionId: string;
  readonly channel: string;
  readonly messageId: string;
  readonly cost: number;
  readonly probability: number;
  readonly features: Features;
}

/** A decision held for its attribution window: what learning from it needs. */
export interface DecisionRecord {
  readonly decisionId: string;
  readonly customerId: string;
  readonly policy: string;
  readonly at: number;
  /** End of the attribution window (ms since epoch). */
  readonly expiresAt: number;
  readonly context: Features;
  readonly choices: readonly LoggedChoice[];
  /** In the policy's control holdout (uplift is measured against these). */
  readonly holdout: boolean;
  /**
   * False when the answer was forced (holdout, or every candidate removed by
   * rules): its rewards are joined and measured but never learned from.
   */
  readonly learn: boolean;
  /** The policy's rule for several rewards, fixed at decision time. */
  readonly combine: CombineRule;
}

/** How several rewards for one decision and action combine. */
export type CombineRule = 'sum' | 'first';

export interface RewardJoinRequest {
  readonly decisionId: string;
  /** Action the reward is for; empty means the decision's first choice. */
  readonly actionId: string;
  readonly value: number;
  readonly eventId?: string;
  readonly now: number;
  /**
   * The latest time the decision can have been issued (its window's end
   * less the shortest policy window). A fleet store answers a decision it
   * does not hold but issued this recently "retry later": it may still wait
   * in another replica's outage buffer.
   */
  readonly issuedBy?: number;
}

export type JoinResult =
  | {
      readonly status: 'joined';
      readonly record: DecisionRecord;
      /** The resolved action id. */
      readonly actionId: string;
      /** Combined reward for this action before this event; undefined for the first. */
      readonly previousTotal?: number;
      /** Combined reward including this event. */
      readonly total: number;
    }
  | { readonly status: 'ignored'; readonly record: DecisionRecord }
  | { readonly status: 'duplicate' }
  | { readonly status: 'expired' }
  | { readonly status: 'unknown' }
  /**
   * The store is unreachable and kept the reward to join when it returns
   * (an adapter with a write buffer); the client sees it accepted.
   */
  | { readonly status: 'buffered' }
  | { readonly status: 'unknown_action'; readonly record: DecisionRecord };

/** A decision whose window closed, with the actions that never got a reward. */
export interface ExpiredDecision {
  readonly record: DecisionRecord;
  readonly unrewardedActions: readonly string[];
  /** Combined reward per rewarded action. */
  readonly totals: ReadonlyMap<string, number>;
  /** Actions an opened or clicked receipt was joined to (markEngaged). */
  readonly engagedActions: readonly string[];
}

/** What markEngaged found; 'buffered': the store is away and will mark it when back. */
export type EngagementStatus = 'first' | 'again' | 'unknown' | 'buffered';

export interface DecisionStore {
  /** Keep a decision for its window; `requestId` makes Decide idempotent. */
  saveDecision(record: DecisionRecord, decision: Decision, requestId?: string): Promise<void>;
  /**
   * The decision an earlier call with this request key got, while its window
   * lasts. The key is already scoped by customer; the customer id says where
   * it is kept (on Redis, in the customer's slot).
   */
  findByRequestId(customerId: string, requestId: string): Promise<Decision | undefined>;
  /** A decision still held (its window open or not yet swept): what receipts and delivery join to. */
  findDecision(decisionId: string): Promise<DecisionRecord | undefined>;
  /** Atomically join a reward: idempotent per event id, combined per rule. */
  joinReward(request: RewardJoinRequest): Promise<JoinResult>;
  /**
   * Atomically remove up to `limit` decisions whose window closed by `now`
   * and return them: exactly one caller (one replica) gets each.
   */
  takeExpired(now: number, limit: number): Promise<ExpiredDecision[]>;
  /**
   * Note that a chosen action's message was engaged with (opened, clicked),
   * once: 'first' the first time, 'again' after; 'unknown' when the decision
   * is not held (window closed, forgotten) or has no such choice. The window's
   * close reports it in `engagedActions`.
   */
  markEngaged(decisionId: string, actionId: string): Promise<EngagementStatus>;
  /** Decisions currently held (for metrics and memory accounting). */
  countDecisions(): Promise<number>;
}

/**
 * What a store may offer to do a Decide's reads and writes in fewer calls.
 * Optional: without them the engine calls findByRequestId and loadCustomer,
 * then reserveSends and saveDecision, side by side.
 */
export interface CombinedCalls {
  /** findByRequestId(customerId, requestId) and loadCustomer(customerId, at) in one call (one script on Redis). */
  loadForDecide(customerId: string, at: number, requestId: string): Promise<{ readonly state: CustomerState; readonly earlier: Decision | undefined }>;
  /**
   * reserveSends(customerId, reservations) and saveDecision(record,
   * decision, requestId) in one call (one script on one Redis): the same
   * result and effects as the two side by side. The decision is saved
   * whatever the reservation's outcome. `record.customerId` is `customerId`.
   */
  reserveAndSave(
    customerId: string,
    reservations: readonly SendReservation[],
    record: DecisionRecord,
    decision: Decision,
    requestId?: string,
  ): Promise<number>;
}

/**
 * One learning step as it travels between replicas: enough to replay it on
 * any replica's learner in the same order.
 */
export interface LearningUpdate {
  readonly policy: string;
  readonly customerId: string;
  readonly decisionId: string;
  readonly context: Features;
  readonly actionId: string;
  readonly actionFeatures: Features;
  /** Target net of channel cost. */
  readonly reward: number;
  /** Set when this corrects an earlier target for the same decision and action. */
  readonly previousReward?: number;
  /**
   * Remove this (earlier applied) update instead of applying it: how
   * ForgetCustomer reaches every replica's learner. The store keeps a ledger
   * of each customer's applied updates for this.
   */
  readonly unlearn?: boolean;
  /**
   * Funnel evidence, published at the window's close for policies whose
   * learner takes it (reward is then the action's whole outcome net of cost):
   * learned by funnel learners only.
   */
  readonly funnel?: FunnelEvidence;
}

/**
 * Learning updates in one order for the whole fleet. Memory: applied at once.
 * Redis: appended to a stream that every replica applies in order.
 */
export interface UpdateBus {
  publish(update: LearningUpdate): Promise<void>;
  /** Called for every update, in stream order, including this replica's own. */
  subscribe(handler: (update: LearningUpdate) => void): void;
}

export interface TactStore extends DecisionStore, UpdateBus, CustomerStore, Partial<CombinedCalls> {
  /** The adapter's name ("memory", "redis", ...), for logs; nothing may branch on it. */
  readonly kind: string;
  /** Entries dropped to stay within a memory bound, by kind; absent when the adapter drops nothing (Redis uses TTLs). */
  evicted?(): Readonly<Record<string, number>>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------
// Customer state (src/domain/customer.ts): what the eligibility rules read and
// what customers' rights (consent, opt-out, forget-me) act on.

export interface ForgetResult {
  /** Learning updates this customer contributed, oldest first, to unlearn. */
  readonly updates: readonly LearningUpdate[];
  readonly decisionsErased: number;
}

export interface CustomerStore {
  loadCustomer(customerId: string, at: number): Promise<CustomerState>;
  recordEvent(customerId: string, event: CustomerEvent): Promise<void>;
  setConsent(customerId: string, patch: Partial<ConsentState>): Promise<void>;
  /**
   * Atomically check every cap of every send and record the sends only if
   * all pass (one Lua script in Redis), so concurrent decisions for one
   * customer never exceed a cap. Returns the index of the first send that
   * would break a cap, or -1 when all were recorded. Sends of one call count
   * against each other's caps (two sends of one message in one call).
   */
  reserveSends(customerId: string, reservations: readonly SendReservation[]): Promise<number>;
  /**
   * Erase every key of the customer (profile, consent, counters, decisions
   * and their request-id entries, ledger) and return the learning updates to
   * unlearn. The ledger is what `publish` recorded for the customer: every
   * update without `unlearn`, in publish order (corrections included).
   */
  forgetCustomer(customerId: string): Promise<ForgetResult>;
}
