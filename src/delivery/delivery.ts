import type { Logger } from 'pino';
import type { Catalog } from '../catalog/catalog.js';
import type { Clock } from '../core/clock.js';
import { decisionIdExpiry } from '../decision/decision-id.js';
import type { DecisionLogSink } from '../decision/log-entry.js';
import type { Candidate, Decision } from '../domain/decision.js';
import { EMPTY_FEATURES, type Features } from '../domain/features.js';
import { jobId, type JobQueue, type RunningJob } from '../jobs/job-queue.js';
import { DeadLetters } from './dead-letters.js';
import { applyContactRules, type ContactRules } from '../rules/contact-rules.js';
import type { CustomerState, CustomerStore, DecisionStore } from '../store/store.js';
import type { DeliverySink, OutboundMessage } from './outbound.js';

/** A send waiting for its send_at in the channel's queue. */
export interface DeliveryJob {
  readonly decisionId: string;
  readonly customerId: string;
  readonly policy: string;
  readonly trigger: string;
  readonly actionId: string;
  readonly messageId: string;
  readonly channel: string;
  readonly sendSlot: string;
  readonly sendAt: number;
  readonly cost: number;
  readonly features: Features;
  readonly context: Features;
  /** Set when a trigger rule started it: the re-check looks for its cancelling events since this start. */
  readonly journey?: { readonly startedAt: number; readonly itemId?: string; readonly category?: string };
}

/** Where a decision to deliver came from. */
export interface DeliveryOrigin {
  readonly trigger: string;
  readonly context: Features;
  readonly journey?: DeliveryJob['journey'];
}

export type DeliveryOutcome = 'sent' | 'cancelled' | 'dead_lettered' | 'logged';

export interface DeliveryObserver {
  onScheduled?(channel: string): void;
  /** reason: a bounded label (rule name or "cancel_event") for cancelled sends. */
  onOutcome?(channel: string, outcome: DeliveryOutcome, reason?: string): void;
  onAttempt?(channel: string, ok: boolean): void;
  /** How long after send_at the send went out. */
  onLag?(channel: string, lagMs: number): void;
}

export interface ChannelDelivery {
  readonly queue: JobQueue<DeliveryJob>;
  /** Absent: due sends are logged and counted, not dropped silently. */
  readonly sink?: DeliverySink;
  readonly maxAttempts: number;
}

export interface DeliveryDeps {
  readonly catalog: () => Catalog;
  readonly store: Pick<DecisionStore, 'findDecision'> & Pick<CustomerStore, 'loadCustomer'>;
  /** The contact rules the engine runs (step 3), run again at send time. */
  readonly contactRules: ContactRules;
  readonly clock: Clock;
  readonly log: DecisionLogSink;
  readonly logger: Logger;
  /** The channel's queue and sink; channels outside the catalog (client candidates) share one. */
  readonly channel: (channel: string) => ChannelDelivery;
  /** Every channel with a queue, for start-up and dead-letter listings. */
  readonly channels: () => readonly string[];
  /**
   * The journey's own exit condition, checked before the rules: the name of
   * an event that cancelled the trigger since it started (a purchase after
   * the cart reminder was decided), or undefined.
   */
  readonly cancelledBy?: (job: DeliveryJob) => Promise<string | undefined>;
  /** A send entered its channel's queue: indexed by customer, so ForgetCustomer can take it out. */
  readonly queued?: (customerId: string, send: { id: string; channel: string }) => Promise<void>;
  readonly observer?: DeliveryObserver;
}

/**
 * Delivery at send_at (DESIGN.md, journeys): each chosen send waits in its
 * channel's queue, is checked again when due (the contact rules on the
 * customer's state as it is now, and the trigger's cancelling events), then
 * handed to the channel's sink, retried with backoff, dead-lettered after
 * the last attempt.
 *
 * What a cancelled send learns: its decision keeps its attribution window,
 * so it learns the rewards reported for it or else the policy's default
 * reward, as any send that earned nothing. The propensity was for choosing
 * that (message, channel, slot), and the cancellation is an outcome of that
 * choice (a later slot gives the customer time to buy on their own): dropping
 * cancelled decisions from learning would hide exactly the failures of late
 * slots and bias the policy towards them.
 */
export class Delivery {
  constructor(private readonly deps: DeliveryDeps) {}

  start(): void {
    for (const channel of this.deps.channels()) {
      this.deps.channel(channel).queue.process((job) => this.run(job));
    }
  }

  /** Queue a decision's sends (no-send and holdout answers have none); returns how many. */
  async schedule(decision: Decision, origin: DeliveryOrigin): Promise<number> {
    const sends = decision.choices.filter((c) => !c.noSend && c.channel);
    if (sends.length === 0) return 0;
    const record = await this.deps.store.findDecision(decision.decisionId);
    let queued = 0;
    for (const choice of sends) {
      const logged = record?.choices.find((c) => c.actionId === choice.actionId);
      const job: DeliveryJob = {
        decisionId: decision.decisionId,
        customerId: decision.customerId,
        policy: decision.policy,
        trigger: origin.trigger,
        actionId: choice.actionId,
        messageId: choice.messageId,
        channel: choice.channel,
        sendSlot: choice.sendSlot,
        sendAt: choice.sendAt || this.deps.clock.now(),
        cost: logged?.cost ?? 0,
        features: logged?.features ?? EMPTY_FEATURES,
        context: origin.context,
        ...(origin.journey ? { journey: origin.journey } : {}),
      };
      const id = deliveryId(job);
      if (!(await this.deps.channel(job.channel).queue.add({ id, runAt: job.sendAt, data: job }))) continue;
      await this.deps.queued?.(job.customerId, { id, channel: job.channel });
      queued++;
      this.deps.observer?.onScheduled?.(this.label(job.channel));
      this.receipt(job, 'scheduled');
    }
    return queued;
  }

  /** Failed sends of every channel, for the operator (tact dead-letters) and the dead-letter gauge. */
  readonly deadLetters = new DeadLetters<DeliveryJob>(
    () => this.deps.channels(),
    (c) => this.deps.channel(c).queue,
  );

  /** ForgetCustomer: take the customer's waiting sends out of their queues (one already running still goes); returns how many. */
  async forget(sends: readonly { id: string; channel: string }[]): Promise<number> {
    let removed = 0;
    for (const s of sends) if (await this.deps.channel(s.channel).queue.remove(s.id)) removed++;
    return removed;
  }

  private async run(job: RunningJob<DeliveryJob>): Promise<void> {
    const d = job.data;
    const { sink, maxAttempts } = this.deps.channel(d.channel);
    // Every attempt checks again: consent withdrawn during retries stops them too.
    const why = await this.recheck(d);
    if (why) {
      this.deps.observer?.onOutcome?.(this.label(d.channel), 'cancelled', why.rule);
      this.receipt(d, 'cancelled', why.reason);
      this.deps.logger.info({ deliveryId: job.id, decisionId: d.decisionId, channel: d.channel, reason: why.reason }, 'send cancelled at send time');
      return;
    }
    if (!sink) {
      this.deps.observer?.onOutcome?.(this.label(d.channel), 'logged');
      this.deps.logger.info(
        { deliveryId: job.id, decisionId: d.decisionId, channel: d.channel, messageId: d.messageId, sendAt: new Date(d.sendAt).toISOString() },
        'send due; no sink configured for the channel (set --webhook-url)',
      );
      return;
    }
    try {
      await sink.send(outbound(job.id, d));
    } catch (err) {
      this.deps.observer?.onAttempt?.(this.label(d.channel), false);
      if (job.attempt >= maxAttempts) {
        this.deps.observer?.onOutcome?.(this.label(d.channel), 'dead_lettered');
        this.receipt(d, 'dead_lettered', (err as Error).message);
        this.deps.logger.warn({ deliveryId: job.id, channel: d.channel, attempts: job.attempt, err }, 'send dead-lettered');
      }
      throw err;
    }
    this.deps.observer?.onAttempt?.(this.label(d.channel), true);
    this.deps.observer?.onOutcome?.(this.label(d.channel), 'sent');
    this.deps.observer?.onLag?.(this.label(d.channel), this.deps.clock.now() - d.sendAt);
    this.receipt(d, 'sent');
  }

  /**
   * Is the send still wanted now? The trigger's cancelling events since it
   * started (the afternoon purchase cancels the evening reminder), then the
   * contact rules on the customer's current state: consent withdrawn, an
   * open ticket, a purchase suppressing the message, a cap now full.
   */
  private async recheck(d: DeliveryJob): Promise<{ rule: string; reason: string } | undefined> {
    const event = await this.deps.cancelledBy?.(d);
    if (event) return { rule: 'cancel_event', reason: `${event} since the trigger started` };
    const now = this.deps.clock.now();
    // A decision gone before its window closed was erased: the customer was
    // forgotten (a forget racing this send's queueing can miss the queued
    // job, never the decision) or, in memory mode, closed early to stay
    // within the held-decision bound. Either way nothing may go out for it.
    const windowEnd = decisionIdExpiry(d.decisionId);
    if (windowEnd !== undefined && now < windowEnd && !(await this.deps.store.findDecision(d.decisionId))) {
      return { rule: 'decision_gone', reason: 'decision_gone: erased before its window closed (customer forgotten, or closed early at the held-decision bound)' };
    }
    const state = withoutOwnSend(await this.deps.store.loadCustomer(d.customerId, now), d);
    const candidate: Candidate = {
      id: d.actionId,
      channel: d.channel,
      messageId: d.messageId,
      sendSlot: d.sendSlot,
      sendAt: d.sendAt,
      noSend: false,
      cost: d.cost,
      features: d.features,
    };
    const { removed } = applyContactRules(this.deps.contactRules.rules, { state, at: now, catalog: this.deps.catalog(), candidates: [candidate] });
    const first = removed[0];
    return first ? { rule: first.rule, reason: `${first.rule}: ${first.reason}` } : undefined;
  }

  /** Metric label: catalog channels by name, client channels as one "other" (bounded series). */
  private label(channel: string): string {
    return this.deps.channels().includes(channel) ? channel : 'other';
  }

  private receipt(d: DeliveryJob, event: 'scheduled' | 'sent' | 'cancelled' | 'dead_lettered', reason?: string): void {
    this.deps.log.append({
      type: 'receipt',
      decisionId: d.decisionId,
      actionId: d.actionId,
      event,
      ...(reason ? { reason } : {}),
      at: this.deps.clock.now(),
    });
  }
}

/** One send of one decision: the dedupe key of its job and its webhook-id. */
export function deliveryId(d: Pick<DeliveryJob, 'decisionId' | 'actionId'>): string {
  return `msg_${jobId(d.decisionId, d.actionId)}`;
}

/** The customer's sends without this one: it reserved its own cap slot when it was decided. */
function withoutOwnSend(state: CustomerState, d: DeliveryJob): CustomerState {
  const i = state.sends.findIndex((s) => s.channel === d.channel && s.messageId === d.messageId && s.at === d.sendAt);
  if (i < 0) return state;
  return { ...state, sends: [...state.sends.slice(0, i), ...state.sends.slice(i + 1)] };
}

function outbound(id: string, d: DeliveryJob): OutboundMessage {
  return {
    id,
    decisionId: d.decisionId,
    customerId: d.customerId,
    trigger: d.trigger,
    actionId: d.actionId,
    messageId: d.messageId,
    channel: d.channel,
    sendSlot: d.sendSlot,
    sendAt: d.sendAt,
    features: d.features,
    context: d.context,
  };
}
