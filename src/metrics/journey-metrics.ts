import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { STORE_READ_TIMEOUT_MS, withTimeout } from './definitions.js';
import type { ReceiptEvent } from '../decision/log-entry.js';
import type { DeliveryObserver, DeliveryOutcome } from '../delivery/delivery.js';
import type { ReceiptObserver, ReceiptStatus } from '../feedback/receipts.js';
import type { CancelReason, TriggerObserver } from '../triggers/triggers.js';

/** Trigger timers wait minutes to days; their lateness and the sends' lag are seconds to hours. */
const LAG_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 86400];

/**
 * Journeys' series: triggers started, fired and cancelled by reason;
 * deliveries by channel and outcome, attempts, lag behind send_at, dead
 * letters; receipts by event and join status. Labels are catalog ids
 * (trigger, channel) and fixed enums, never customer or decision ids.
 */
export class JourneyMetrics implements TriggerObserver, DeliveryObserver, ReceiptObserver {
  private readonly started: Counter<'trigger'>;
  private readonly fired: Counter<'trigger'>;
  private readonly cancelled: Counter<'trigger' | 'reason'>;
  private readonly triggerLag: Histogram<'trigger'>;
  private readonly scheduled: Counter<'channel'>;
  private readonly deliveries: Counter<'channel' | 'outcome' | 'reason'>;
  private readonly attempts: Counter<'channel' | 'result'>;
  private readonly lag: Histogram<'channel'>;
  private readonly receipts: Counter<'event' | 'status'>;

  constructor(registry: Registry, prefix: string, deadLetters: () => Promise<number>) {
    const registers = [registry];
    this.started = new Counter({ name: `${prefix}triggers_started_total`, help: 'Trigger timers started by an event, by trigger.', labelNames: ['trigger'], registers });
    this.fired = new Counter({ name: `${prefix}triggers_fired_total`, help: 'Triggers fired (a decision was made), by trigger.', labelNames: ['trigger'], registers });
    this.cancelled = new Counter({
      name: `${prefix}triggers_cancelled_total`,
      help: 'Started triggers that did not fire, by trigger and reason (cancel_event, reentry, superseded, rule_removed, no_key).',
      labelNames: ['trigger', 'reason'],
      registers,
    });
    this.triggerLag = new Histogram({
      name: `${prefix}trigger_lag_seconds`,
      help: 'How late a trigger fired behind its due time, in seconds.',
      labelNames: ['trigger'],
      buckets: LAG_BUCKETS,
      registers,
    });
    this.scheduled = new Counter({ name: `${prefix}deliveries_scheduled_total`, help: 'Sends handed to delivery, by channel.', labelNames: ['channel'], registers });
    this.deliveries = new Counter({
      name: `${prefix}deliveries_total`,
      help: 'Sends finished, by channel and outcome (sent, cancelled at send time with the rule as reason, dead_lettered, logged without a sink).',
      labelNames: ['channel', 'outcome', 'reason'],
      registers,
    });
    this.attempts = new Counter({ name: `${prefix}delivery_attempts_total`, help: 'Sink attempts, by channel and result (ok, failed).', labelNames: ['channel', 'result'], registers });
    this.lag = new Histogram({
      name: `${prefix}delivery_lag_seconds`,
      help: 'How long after its send_at a send went out, in seconds.',
      labelNames: ['channel'],
      buckets: LAG_BUCKETS,
      registers,
    });
    this.receipts = new Counter({
      name: `${prefix}receipts_total`,
      help: 'Message events with a decision_id, by event and join status (joined, expired, unknown, unknown_action).',
      labelNames: ['event', 'status'],
      registers,
    });
    new Gauge({
      name: `${prefix}delivery_dead_letters`,
      help: 'Sends in the dead-letter list, waiting to be replayed (tact dead-letters).',
      registers,
      async collect() {
        // Read from Redis in fleet mode: while Redis is down the scrape must still answer (stale value).
        try {
          this.set(await withTimeout(deadLetters(), STORE_READ_TIMEOUT_MS));
        } catch {
          // stale until the store answers again
        }
      },
    });
  }

  onStarted(trigger: string): void {
    this.started.inc({ trigger });
  }
  onFired(trigger: string, lagMs: number): void {
    this.fired.inc({ trigger });
    this.triggerLag.observe({ trigger }, lagMs / 1000);
  }
  onCancelled(trigger: string, reason: CancelReason): void {
    this.cancelled.inc({ trigger, reason });
  }
  onScheduled(channel: string): void {
    this.scheduled.inc({ channel });
  }
  onOutcome(channel: string, outcome: DeliveryOutcome, reason?: string): void {
    this.deliveries.inc({ channel, outcome, reason: reason ?? '' });
  }
  onAttempt(channel: string, ok: boolean): void {
    this.attempts.inc({ channel, result: ok ? 'ok' : 'failed' });
  }
  onLag(channel: string, lagMs: number): void {
    this.lag.observe({ channel }, Math.max(0, lagMs) / 1000);
  }
  onReceipt(event: ReceiptEvent, status: ReceiptStatus): void {
    this.receipts.inc({ event, status });
  }
}
