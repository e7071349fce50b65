import { pino } from 'pino';
import { parseCatalog } from '../../src/catalog/load.js';
import { configSchema } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { SeededRandom } from '../../src/core/random.js';
import { MemoryLogSink } from '../../src/decision/log-sinks.js';
import type { DeliveryOutcome } from '../../src/delivery/delivery.js';
import { verify, secretKey } from '../../src/delivery/signature.js';
import type { HttpPost } from '../../src/delivery/webhook-sink.js';
import { ReceiptJoiner } from '../../src/feedback/receipts.js';
import { MemoryQueues } from '../../src/jobs/memory-job-queue.js';
import { BullJobQueue, type BullTarget } from '../../src/jobs/bullmq-job-queue.js';
import type { RedisClient } from '../../src/store/redis/client.js';
import type { QueueOptions } from '../../src/jobs/job-queue.js';
import { systemClock } from '../../src/core/clock.js';
import { RedisTriggerState } from '../../src/triggers/redis-trigger-state.js';
import type { TactConfig } from '../../src/config.js';
import type { Catalog } from '../../src/catalog/catalog.js';
import type { JourneyDeps } from '../../src/triggers/journeys.js';
import { journeyJobPrefix } from '../../src/cli/open-journeys.js';
import { createTact, type Tact } from '../../src/main.js';
import { recordEvent } from '../../src/server/customer-service.js';
import type { RecordEventRequest__Output } from '../../src/server/generated/tact/v1/RecordEventRequest.js';
import { Journeys } from '../../src/triggers/journeys.js';
import { MemoryTriggerState } from '../../src/triggers/trigger-state.js';
import type { CancelReason } from '../../src/triggers/triggers.js';

/** Monday 2026-01-05 12:00 UTC. */
export const NOON = Date.UTC(2026, 0, 5, 12);
export const MINUTE = 60_000;
export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** A catalog with one trigger of each kind; one message per trigger so the policy's choice is a send. */
export const JOURNEY_CATALOG = `
channels:
  - { id: email, cost: 0.001, consent: opt_out, caps: [{ max: 5, window_hours: 24 }] }
send_slots:
  - { id: now, delay_minutes: 0 }
  - { id: evening, local_time: "19:00" }
triggers:
  - id: cart_abandoned
    slots: [now]
    when:
      event: cart_add
      after_minutes: 30
      unless: [{ event: purchase, match: item }]
      reentry: { per: customer, cooldown_hours: 24 }
  - id: browse_abandoned
    slots: [evening]
    when: { event: product_view, after_minutes: 30, unless: [{ event: purchase, match: category }] }
  - id: order_shipped
    slots: [now]
    when: { event: order_shipped }
  - id: inactive_30d
    slots: [now]
    when: { event: app_open, inactive_days: 30 }
messages:
  - { id: cart_reminder, triggers: [cart_abandoned], channels: [email], category: shoes, value: 90, exempt: [cart] }
  - { id: evening_pick, triggers: [browse_abandoned], channels: [email], category: outerwear, value: 120 }
  - { id: shipped, triggers: [order_shipped], channels: [email], category: service, value: 3, service: true }
  - { id: we_miss_you, triggers: [inactive_30d], channels: [email], category: winback, value: 40 }
`;

export interface Posted {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly data: Record<string, unknown>;
  readonly status: number;
}

/** A webhook receiver in memory: answers from a script of statuses (then 200), records every attempt. */
export class FakeReceiver implements HttpPost {
  readonly attempts: Posted[] = [];
  script: number[] = [];
  async post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number }> {
    const status = this.script.shift() ?? 200;
    const data = (JSON.parse(body) as { data: Record<string, unknown> }).data;
    this.attempts.push({ url, headers, body, data, status });
    return { status };
  }
  /** Successful deliveries (2xx). */
  get delivered(): Posted[] {
    return this.attempts.filter((a) => a.status >= 200 && a.status < 300);
  }
  /** Signature checks out for the attempt's id, timestamp and body. */
  signed(p: Posted): boolean {
    return verify(secretKey(SECRET), p.headers['webhook-id'] ?? '', Number(p.headers['webhook-timestamp']), p.body, p.headers['webhook-signature'] ?? '');
  }
}

export interface Counts {
  fired: string[];
  cancelled: { trigger: string; reason: CancelReason }[];
  outcomes: { channel: string; outcome: DeliveryOutcome; reason?: string }[];
  attempts: boolean[];
}

export interface Harness {
  readonly clock: ManualClock;
  readonly tact: Tact;
  readonly journeys: Journeys;
  readonly receiver: FakeReceiver;
  readonly log: MemoryLogSink;
  readonly counts: Counts;
  readonly receipts: ReceiptJoiner;
  event(req: Partial<RecordEventRequest__Output> & Pick<RecordEventRequest__Output, 'customer_id' | 'type'>): Promise<void>;
  /** Move the fake clock and run whatever fell due (timers, sends, retries). */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

export function journeyHarness(options: { catalog?: string; webhook?: boolean; maxAttempts?: number } = {}): Harness {
  const clock = new ManualClock(NOON);
  const log = new MemoryLogSink();
  let n = 0;
  const config = configSchema.parse({
    logLevel: 'silent',
    seed: 3,
    ...(options.webhook === false ? {} : { webhookUrl: 'http://receiver.test/hooks', webhookSecret: SECRET }),
    deliveryMaxAttempts: options.maxAttempts ?? 5,
    deliveryBackoffMs: 1000,
  });
  const tact = createTact(config, {
    clock,
    log,
    catalog: parseCatalog(options.catalog ?? JOURNEY_CATALOG, 'journeys-test'),
    newId: () => (n++).toString(16).padStart(16, '0'),
  });
  const queues = new MemoryQueues(clock);
  const receiver = new FakeReceiver();
  const counts: Counts = { fired: [], cancelled: [], outcomes: [], attempts: [] };
  const random = new SeededRandom(5);
  const journeys = new Journeys({
    settings: config,
    catalog: tact.catalog,
    decide: (input) => tact.engine.decide(input),
    store: tact.store,
    contactRules: tact.contactRules,
    clock,
    log,
    logger: pino({ level: 'silent' }),
    queues: queues.create,
    triggerState: new MemoryTriggerState(),
    random: () => random.next(),
    http: receiver,
    observer: {
      onFired: (trigger) => counts.fired.push(trigger),
      onCancelled: (trigger, reason) => counts.cancelled.push({ trigger, reason }),
      onOutcome: (channel, outcome, reason) => counts.outcomes.push({ channel, outcome, ...(reason ? { reason } : {}) }),
      onAttempt: (_channel, ok) => counts.attempts.push(ok),
    },
  });
  journeys.start();
  const receipts = new ReceiptJoiner({ store: tact.store, policies: tact.policies, log, clock });
  const deps = { store: tact.store, log, clock, receipts, onEvent: (e: Parameters<Journeys['onEvent']>[0]) => journeys.onEvent(e) };
  return {
    clock,
    tact,
    journeys,
    receiver,
    log,
    counts,
    receipts,
    async event(req) {
      await recordEvent(deps, {
        item_id: '',
        category: '',
        message_id: '',
        channel: '',
        at: ts(clock.now()),
        attributes: null,
        name: '',
        decision_id: '',
        action_id: '',
        ...req,
      } as RecordEventRequest__Output);
      await queues.runDue();
    },
    async advance(ms) {
      // In steps, so retries with backoff inside the span run at their own times.
      const end = clock.now() + ms;
      await queues.runDue();
      while (clock.now() < end) {
        clock.set(Math.min(end, clock.now() + Math.max(1000, Math.floor(ms / 200))));
        await queues.runDue();
      }
    },
    async close() {
      await journeys.close();
      await tact.close();
    },
  };
}

export { ts };

/** One replica's journeys in Redis mode (BullMQ queues, Redis trigger state) on real time, as open-journeys wires them. */
export function redisJourneys(o: {
  /** Where BullMQ runs; default the one Redis at redisUrl. */
  readonly target?: BullTarget;
  readonly redisUrl: string;
  readonly redis: RedisClient;
  readonly prefix: string;
  /** BullMQ's key prefix; default the server's for one Redis. */
  readonly jobPrefix?: string;
  readonly config: TactConfig;
  readonly catalog: Catalog;
  readonly tact: Tact;
  readonly http: HttpPost;
  readonly observer?: JourneyDeps['observer'];
}): Journeys {
  const settings = { target: o.target ?? { url: o.redisUrl }, prefix: o.jobPrefix ?? journeyJobPrefix(o.prefix), lockMs: 5000 };
  const journeys = new Journeys({
    settings: o.config,
    catalog: () => o.catalog,
    decide: (input) => o.tact.engine.decide(input),
    store: o.tact.store,
    contactRules: o.tact.contactRules,
    clock: systemClock,
    log: o.tact.log,
    logger: pino({ level: 'silent' }),
    queues: <T>(name: string, options: QueueOptions) => new BullJobQueue<T>(name, options, settings, systemClock),
    triggerState: new RedisTriggerState(o.redis, o.prefix, 3_600_000),
    random: Math.random,
    http: o.http,
    ...(o.observer ? { observer: o.observer } : {}),
  });
  journeys.start();
  return journeys;
}
