import type { Clock } from '../core/clock.js';
import { invalidArgument, notFound, quote, TactError, tactError } from '../core/errors.js';
import { decisionIdExpiry } from '../decision/decision-id.js';
import { idempotencyKey } from '../core/idempotency-key.js';
import type { DecisionLogSink } from '../decision/log-entry.js';
import type { PolicySet } from '../policies/policy-set.js';
import type { DecisionRecord, ExpiredDecision, LoggedChoice, TactStore } from '../store/store.js';
import { joinedUpdate, learningUpdateOf } from '../store/learning-update.js';

export interface RewardInput {
  readonly decisionId: string;
  /** Empty or undefined: the decision's first choice. */
  readonly actionId?: string;
  readonly value: number;
  readonly eventId?: string;
  /** Opaque name of the authenticated caller: scopes `eventId`, so two callers' ids never collide. */
  readonly caller?: string;
}

export type RewardStatus = 'joined' | 'duplicate' | 'expired' | 'ignored';

/** Observers of joins, for metrics and live uplift; never on the learning path. */
export interface RewardObserver {
  onReward?(status: RewardStatus, record: DecisionRecord | undefined, value: number, joinDelayMs: number): void;
  onDefaultReward?(record: DecisionRecord, actions: number): void;
  /** A reward for a decision the store does not know (never issued, or forgotten). */
  onUnknown?(): void;
}

export interface JoinerDeps {
  readonly store: TactStore;
  readonly policies: PolicySet;
  readonly log: DecisionLogSink;
  readonly clock: Clock;
  readonly observer?: RewardObserver;
}

/**
 * Joins rewards to decisions inside the attribution window and turns them
 * into learning updates; closes windows with the default reward, because
 * learning only from positives is biased.
 */
/**
 * Event ids are matched per decision (so per customer) already; with a
 * caller they are matched per caller too. Without auth the id is kept as
 * sent, so ids stored before auth was turned on keep matching.
 */
function scopedEventId(eventId: string, caller: string | undefined): string {
  return caller === undefined ? eventId : idempotencyKey([caller, eventId]);
}

export class RewardJoiner {
  constructor(private readonly deps: JoinerDeps) {}

  async reward(input: RewardInput): Promise<RewardStatus> {
    const expiry = decisionIdExpiry(input.decisionId);
    if (expiry === undefined) throw invalidArgument('decision_id', 'not a decision id issued by Tact');
    if (!Number.isFinite(input.value)) throw invalidArgument('value', 'must be a finite number');
    // Before the join, so a refused reward leaves no trace and may be resent corrected.
    const max = this.deps.policies.maxAbsReward;
    if (Math.abs(input.value) > max) throw tactError('VALUE_OUT_OF_BOUNDS', `|value| must be at most ${max} (bounds.maxAbsReward)`, 'value');
    const now = this.deps.clock.now();
    const result = await this.deps.store.joinReward({
      decisionId: input.decisionId,
      actionId: input.actionId ?? '',
      value: input.value,
      ...(input.eventId ? { eventId: scopedEventId(input.eventId, input.caller) } : {}),
      now,
      issuedBy: expiry - this.deps.policies.shortestWindowMs,
    });
    switch (result.status) {
      case 'buffered':
        // Accepted: the store joins and publishes it when Redis is back, and counts the outcome.
        return this.observe('joined', undefined, input.value);
      case 'unknown':
        if (now >= expiry) return this.observe('expired', undefined, input.value);
        this.deps.observer?.onUnknown?.();
        throw notFound('decision_id', 'no such decision (never issued, or forgotten)');
      case 'unknown_action':
        throw invalidArgument('action_id', `${quote(input.actionId ?? '')} is not a choice of this decision`);
      case 'expired':
      case 'duplicate':
        return this.observe(result.status, undefined, input.value);
      case 'ignored':
        return this.observe('ignored', result.record, input.value);
      case 'joined': {
        const choice = findChoice(result.record, result.actionId);
        this.deps.log.append({
          type: 'outcome',
          decisionId: input.decisionId,
          actionId: choice.actionId,
          value: input.value,
          source: 'reward',
          at: now,
        });
        const update = joinedUpdate(result);
        if (update) await this.deps.store.publish(update);
        return this.observe('joined', result.record, input.value);
      }
    }
  }

  /**
   * Close every window that has ended: each chosen action that got no reward
   * is learned with the policy's default reward. Returns decisions closed.
   */
  async sweep(limit = 1000): Promise<number> {
    const now = this.deps.clock.now();
    const expired = await this.deps.store.takeExpired(now, limit);
    for (const closed of expired) {
      const { record, unrewardedActions } = closed;
      if (!record.learn) continue;
      const policy = this.deps.policies.find(record.policy);
      if (!policy) continue;
      const value = policy.config.reward.default;
      for (const actionId of unrewardedActions) {
        const choice = findChoice(record, actionId);
        this.deps.log.append({ type: 'outcome', decisionId: record.decisionId, actionId, value, source: 'default', at: now });
        await this.deps.store.publish(learningUpdateOf(record, choice, value));
      }
      if (this.deps.policies.learnsFunnel) await this.publishFunnel(closed, value);
      this.deps.observer?.onDefaultReward?.(record, unrewardedActions.length);
    }
    return expired.length;
  }

  /**
   * Each chosen action's whole outcome with whether it was engaged with: the
   * funnel learners' evidence (other learners skip it, having learned the
   * same rewards as they were joined). Published only while some policy of
   * the set learns from it, which every replica of a fleet agrees on.
   */
  private async publishFunnel({ record, totals, engagedActions }: ExpiredDecision, defaultValue: number): Promise<void> {
    for (const choice of record.choices) {
      const total = totals.get(choice.actionId) ?? defaultValue;
      await this.deps.store.publish({
        ...learningUpdateOf(record, choice, total),
        funnel: { engaged: engagedActions.includes(choice.actionId) },
      });
    }
  }

  private observe(status: RewardStatus, record: DecisionRecord | undefined, value: number): RewardStatus {
    const delay = record ? this.deps.clock.now() - (record.expiresAt - (this.deps.policies.find(record.policy)?.windowMs ?? 0)) : 0;
    this.deps.observer?.onReward?.(status, record, value, delay);
    return status;
  }
}

function findChoice(record: DecisionRecord, actionId: string): LoggedChoice {
  const choice = record.choices.find((c) => c.actionId === actionId);
  if (!choice) throw new TactError('internal', `decision ${record.decisionId} has no action ${actionId}`);
  return choice;
}
