import type { Logger } from 'pino';
import type { Catalog } from '../catalog/catalog.js';
import type { TactConfig } from '../config.js';
import type { Clock } from '../core/clock.js';
import type { DecisionLogSink } from '../decision/log-entry.js';
import type { DecideInput, Decision } from '../domain/decision.js';
import { Delivery, type ChannelDelivery, type DeliveryJob, type DeliveryObserver, type DeliveryOrigin } from '../delivery/delivery.js';
import type { DeliverySink } from '../delivery/outbound.js';
import { secretKey } from '../delivery/signature.js';
import { RedisStreamSink, type StreamAppend } from '../delivery/stream-sink.js';
import { fetchHttp, WebhookSink, type HttpPost } from '../delivery/webhook-sink.js';
import { exponentialBackoff, retryHorizonMs, type JobQueue, type QueueOptions } from '../jobs/job-queue.js';
import type { ContactRules } from '../rules/contact-rules.js';
import type { CustomerStore, DecisionStore } from '../store/store.js';
import type { JourneyEvent } from './event.js';
import type { TriggerState } from './trigger-state.js';
import { cancelledSince, firingRequestId, Triggers, type Firing, type TimerData, type TriggerObserver } from './triggers.js';

/** Makes the job queues: memory (MemoryQueues) or BullMQ (Redis mode). */
export type QueueFactory = <T>(name: string, options: QueueOptions) => JobQueue<T>;

export type JourneySettings = Pick<
  TactConfig,
  'webhookUrl' | 'webhookSecret' | 'deliveryMaxAttempts' | 'deliveryBackoffMs' | 'deliveryConcurrency' | 'webhookTimeoutMs' | 'journeyLockMs'
>;

export interface JourneyDeps {
  readonly settings: JourneySettings;
  readonly catalog: () => Catalog;
  /** The decision pipeline's one entry point: a firing decides exactly as Decide does. */
  readonly decide: (input: DecideInput) => Promise<Decision>;
  readonly store: Pick<DecisionStore, 'findDecision'> & Pick<CustomerStore, 'loadCustomer'>;
  readonly contactRules: ContactRules;
  readonly clock: Clock;
  readonly log: DecisionLogSink;
  readonly logger: Logger;
  readonly queues: QueueFactory;
  readonly triggerState: TriggerState;
  /** Uniform [0, 1): retry jitter. */
  readonly random: () => number;
  readonly http?: HttpPost;
  /** Redis mode: channels with `delivery.stream` append there. */
  readonly streams?: StreamAppend;
  readonly observer?: TriggerObserver & DeliveryObserver;
}

/** Every channel's send queue is named this plus the channel id. */
export const DELIVERY_QUEUE = 'delivery-';

/** Queue of channels outside the catalog (client candidates with deliver=true). */
const OTHER_CHANNELS = '_other';
/** Retry delays stop growing here. */
const MAX_BACKOFF_MS = 3_600_000;

/**
 * The loop event -> trigger -> decision -> delivery, wired: trigger rules
 * over RecordEvent, their timers, the decision through the same pipeline as
 * Decide, and delivery to each channel's sink at send_at.
 */
export class Journeys {
  readonly triggers: Triggers;
  readonly delivery: Delivery;
  private readonly channels = new Map<string, ChannelDelivery>();
  private readonly timers: JobQueue<TimerData>;

  constructor(private readonly deps: JourneyDeps) {
    const s = deps.settings;
    const key = s.webhookSecret ? secretKey(s.webhookSecret) : undefined;
    if (s.webhookUrl && !key) deps.logger.warn('webhooks are sent unsigned: set --webhook-secret');
    this.timers = deps.queues<TimerData>('triggers', {
      maxAttempts: s.deliveryMaxAttempts,
      backoffMs: exponentialBackoff(s.deliveryBackoffMs, MAX_BACKOFF_MS, deps.random),
      concurrency: s.deliveryConcurrency,
      ratePerSecond: 0,
    });
    this.triggers = new Triggers({
      catalog: deps.catalog,
      state: deps.triggerState,
      timers: this.timers,
      clock: deps.clock,
      fire: (f) => this.fire(f),
      ...(deps.observer ? { observer: deps.observer } : {}),
    });
    const channelIds = [...deps.catalog().channels.keys(), OTHER_CHANNELS];
    for (const id of channelIds) this.channels.set(id, this.makeChannel(id, key));
    this.delivery = new Delivery({
      catalog: deps.catalog,
      store: deps.store,
      contactRules: deps.contactRules,
      clock: deps.clock,
      log: deps.log,
      logger: deps.logger,
      channel: (c) => this.channels.get(c) ?? (this.channels.get(OTHER_CHANNELS) as ChannelDelivery),
      channels: () => channelIds,
      cancelledBy: (job) => this.cancelledBy(job),
      queued: (customerId, send) => deps.triggerState.addSend(customerId, send),
      ...(deps.observer ? { observer: deps.observer } : {}),
    });
  }

  start(): void {
    this.triggers.start();
    this.delivery.start();
  }

  /** RecordEvent's hook: every customer event after the store has it. */
  onEvent(event: JourneyEvent): Promise<void> {
    return this.triggers.onEvent(event);
  }

  /** DecideRequest.deliver: hand a decision's sends to delivery. */
  deliver(decision: Decision, origin: DeliveryOrigin): Promise<number> {
    return this.delivery.schedule(decision, origin);
  }

  /**
   * ForgetCustomer: the customer's trigger state, waiting timers and queued
   * sends are erased (a job already running finishes). Runs before the store
   * forgets, so no timer fires for a customer whose state is gone.
   */
  async forget(customerId: string): Promise<{ timers: number; sends: number }> {
    const { timers, sends } = await this.triggers.forget(customerId);
    return { timers, sends: await this.delivery.forget(sends) };
  }

  async close(): Promise<void> {
    await this.timers.close();
    for (const c of this.channels.values()) await c.queue.close();
  }

  /** A delay trigger's cancelling events still apply to the send it decided, until the send goes out. */
  private async cancelledBy(job: DeliveryJob): Promise<string | undefined> {
    const rule = this.deps.catalog().triggers.get(job.trigger)?.when;
    if (!job.journey || rule?.kind !== 'delay') return undefined;
    return cancelledSince(this.deps.triggerState, rule, { customerId: job.customerId, ...job.journey });
  }

  private async fire(f: Firing): Promise<void> {
    const decision = await this.deps.decide({
      customerId: f.customerId,
      trigger: f.trigger,
      context: f.context,
      topK: 1,
      at: this.deps.clock.now(),
      explain: false,
      requestId: firingRequestId(f.firingId),
    });
    await this.delivery.schedule(decision, {
      trigger: f.trigger,
      context: f.context,
      journey: {
        startedAt: f.startedAt,
        ...(f.itemId ? { itemId: f.itemId } : {}),
        ...(f.category ? { category: f.category } : {}),
      },
    });
  }

  private makeChannel(id: string, key: Buffer | undefined): ChannelDelivery {
    const s = this.deps.settings;
    const spec = this.deps.catalog().channels.get(id)?.delivery;
    const maxAttempts = spec?.maxAttempts ?? s.deliveryMaxAttempts;
    const queue = this.deps.queues<DeliveryJob>(`${DELIVERY_QUEUE}${id}`, {
      maxAttempts,
      backoffMs: exponentialBackoff(s.deliveryBackoffMs, MAX_BACKOFF_MS, this.deps.random),
      concurrency: spec?.concurrency ?? s.deliveryConcurrency,
      ratePerSecond: spec?.ratePerSecond ?? 0,
      // A send's id stays taken while the timer that queued it may still be
      // retried (its replica killed after queueing, before finishing): the
      // retried firing decides the same decision again, and must not send it again.
      rememberDoneMs: retryHorizonMs(s.deliveryMaxAttempts, s.deliveryBackoffMs, MAX_BACKOFF_MS, s.journeyLockMs),
    });
    const sink = this.sinkFor(spec, key);
    return { queue, maxAttempts, ...(sink ? { sink } : {}) };
  }

  private sinkFor(spec: { webhookUrl?: string; stream?: string } | undefined, key: Buffer | undefined): DeliverySink | undefined {
    const { settings, clock } = this.deps;
    if (spec?.stream) {
      if (!this.deps.streams) {
        this.deps.logger.warn({ stream: spec.stream }, 'a stream sink needs Redis mode: due sends on this channel are logged');
        return undefined;
      }
      return new RedisStreamSink(this.deps.streams, spec.stream, clock);
    }
    const url = spec?.webhookUrl ?? settings.webhookUrl;
    if (!url) return undefined;
    return new WebhookSink({ url, ...(key ? { key } : {}), timeoutMs: settings.webhookTimeoutMs }, this.deps.http ?? fetchHttp, clock);
  }
}

export type { Firing };
