import type { Catalog } from '../catalog/catalog.js';
import { ManualClock } from '../core/clock.js';
import { tactError } from '../core/errors.js';
import { murmur3 } from '../core/hash.js';
import { MinHeap } from '../core/min-heap.js';
import { gaussian, SeededRandom, type Random } from '../core/random.js';
import { MemoryLogSink } from '../decision/log-sinks.js';
import type { DecideInput, Decision } from '../domain/decision.js';
import type { HttpPost } from '../delivery/webhook-sink.js';
import { ReceiptJoiner } from '../feedback/receipts.js';
import { MemoryQueues } from '../jobs/memory-job-queue.js';
import { configSchema } from '../config.js';
import { createTact, type Tact } from '../main.js';
import type { PolicySet } from '../policies/policy-set.js';
import { recordEvent, type CustomerServiceDeps } from '../server/customer-service.js';
import type { RecordEventRequest__Output } from '../server/generated/tact/v1/RecordEventRequest.js';
import { Journeys } from '../triggers/journeys.js';
import { MemoryTriggerState } from '../triggers/trigger-state.js';
import { DEFAULT_START_MS, noSendService, type SimulatedService } from './runner.js';
import { consentOf, seededIds } from './tact-service.js';
import { valueNoise, type MarketingWorld, type SimAction, type SimCustomer } from './world.js';

/**
 * The simulated customers drive Tact through events, as a shop's backend
 * would: CART_ADD, PURCHASE, CUSTOM app_open / page_view / order_shipped, and
 * message receipts carrying the decision id, all through RecordEvent's own
 * code path on a fake clock. The catalog's trigger rules decide when a
 * decision is asked for (a cart left 30 minutes without a purchase, 30 days
 * without an app open, an order shipped); the journeys' delivery queue sends
 * at send_at after its re-check; the customers receive the send as a webhook
 * and answer (open, ignore, buy, get annoyed) by the world's response model.
 *
 * The customers' own activity (what they add, when they would come back and
 * buy anyway, when an order ships) is drawn from the stream seed alone, with
 * a fixed number of draws per event, and each send's luck from a hash of the
 * customer, trigger and time: the same world and seed under another policy
 * (no-send, uniform) sees the same activity, so differences are the policy's.
 */

/** What decides a firing: a policy of Tact's engine, or never sending (the control). */
export type JourneyPolicy =
  | { readonly kind: 'tact'; readonly name: string; readonly policies: PolicySet; readonly policy?: string }
  | { readonly kind: 'no-send' };

export interface JourneySimOptions {
  readonly world: MarketingWorld;
  readonly policy: JourneyPolicy;
  /** Seed of the customers' activity and of each send's luck. */
  readonly seed: number;
  /** Spontaneous customer events (cart adds, page views, app opens, purchases). */
  readonly events: number;
  /** Simulated time between two spontaneous events; default 3 minutes. */
  readonly stepMs?: number;
  readonly startMs?: number;
}

/** One customer event the world produced, as recorded (for reports and tests). */
export interface LedgerEvent {
  readonly customerId: string;
  readonly name: string;
  readonly at: number;
  readonly itemId?: string;
  /** What caused a purchase: the customer came back on their own, a message, or an unprompted order. */
  readonly cause?: 'organic' | 'message' | 'direct';
}

/** One trigger firing that reached the decision. */
export interface LedgerFiring {
  readonly trigger: string;
  readonly customerId: string;
  readonly at: number;
  readonly itemId?: string;
  readonly decisionId: string;
}

export interface JourneySimResult {
  readonly policy: string;
  readonly events: number;
  /** Triggers fired, by trigger. */
  readonly fired: Readonly<Record<string, number>>;
  /** Triggers started but not fired, by trigger and reason (cancel_event, reentry, superseded, ...). */
  readonly cancelled: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Timers started, by trigger: each one fired, was cancelled, or was still waiting at the end (inactivity runs 30 days). */
  readonly started: Readonly<Record<string, number>>;
  /** Decisions answered with a send (at least one channel chosen). */
  readonly decidedSends: number;
  readonly sends: number;
  readonly sendsByChannel: Readonly<Record<string, number>>;
  /** Sends cancelled at send time, by reason (cancel_event, purchase_suppression, ...). */
  readonly sendsCancelled: Readonly<Record<string, number>>;
  /** Cart owners coming back on their own, and purchases a message caused. */
  readonly conversions: number;
  readonly messageConversions: number;
  readonly organicConversions: number;
  /** Order value of those conversions (unprompted purchases are the same in every run and left out). */
  readonly value: number;
  readonly cost: number;
  readonly net: number;
  readonly ledger: readonly LedgerEvent[];
  readonly firings: readonly LedgerFiring[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Queues run at least this often, so timers and sends fire within a minute of their due time. */
const TICK_MS = MINUTE;
/** After the last event, simulated time runs on this long so pending sends and their responses land. */
const DRAIN_MS = 2 * DAY;
/** Share of cart adds whose owner comes back to buy on their own, and the mean wait. */
const RETURN_RATE = 0.35;
const RETURN_MEAN_MS = 45 * MINUTE;
/** A message that sells is bought this long after it arrives; an ignored one is reported ignored after a day. */
const BUY_DELAY_MS = 20 * MINUTE;
const OPEN_DELAY_MS = 10 * MINUTE;
const IGNORE_DELAY_MS = DAY;
const SIM_WEBHOOK = 'http://customers.sim/hooks';

type Planned =
  | { readonly kind: 'organic'; readonly customerId: string; readonly itemId: string; readonly category: string; readonly since: number; readonly value: number }
  | { readonly kind: 'message_buy'; readonly customerId: string; readonly itemId: string; readonly category: string; readonly value: number; readonly decisionId: string; readonly actionId: string }
  | {
      readonly kind: 'receipt';
      readonly customerId: string;
      readonly type: 'MESSAGE_DELIVERED' | 'MESSAGE_OPENED' | 'MESSAGE_IGNORED';
      readonly decisionId: string;
      readonly actionId: string;
      readonly messageId: string;
      readonly channel: string;
    }
  | { readonly kind: 'custom'; readonly customerId: string; readonly name: string; readonly itemId?: string; readonly category?: string };

const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const add = (m: Record<string, number>, k: string, n = 1): void => {
  m[k] = (m[k] ?? 0) + n;
};

/** Run one policy's journeys against one world. Mutates the world: give each run a fresh one. */
export async function runJourneySimulation(o: JourneySimOptions): Promise<JourneySimResult> {
  const sim = new JourneySim(o);
  try {
    return await sim.run();
  } finally {
    await sim.close();
  }
}

class JourneySim {
  private readonly clock: ManualClock;
  private readonly tact: Tact;
  private readonly journeys: Journeys;
  private readonly queues: MemoryQueues;
  private readonly deps: CustomerServiceDeps;
  private readonly agenda = new MinHeap<Planned>();
  private readonly catalog: Catalog;
  private readonly started: Record<string, number> = {};
  private readonly fired: Record<string, number> = {};
  private readonly cancelled: Record<string, Record<string, number>> = {};
  private readonly sendsByChannel: Record<string, number> = {};
  private readonly sendsCancelled: Record<string, number> = {};
  private readonly ledger: LedgerEvent[] = [];
  private readonly firings: LedgerFiring[] = [];
  private decidedSends = 0;
  private readonly control: SimulatedService;
  private conversions = { organic: 0, message: 0, value: 0, cost: 0 };

  constructor(private readonly o: JourneySimOptions) {
    this.catalog = o.world.catalog;
    this.control = noSendService(this.catalog);
    this.clock = new ManualClock(o.startMs ?? DEFAULT_START_MS);
    const config = configSchema.parse({ logLevel: 'silent', webhookUrl: SIM_WEBHOOK });
    const log = new MemoryLogSink();
    this.tact = createTact(config, {
      clock: this.clock,
      log,
      catalog: this.catalog,
      seed: o.seed,
      newId: seededIds(o.seed),
      ...(o.policy.kind === 'tact' ? { policies: o.policy.policies } : {}),
    });
    this.queues = new MemoryQueues(this.clock);
    const jitter = new SeededRandom(o.seed ^ 0x7a11);
    this.journeys = new Journeys({
      settings: config,
      catalog: () => this.catalog,
      decide: (input) => this.decide(input),
      store: this.tact.store,
      contactRules: this.tact.contactRules,
      clock: this.clock,
      log,
      logger: this.tact.logger,
      queues: this.queues.create,
      triggerState: new MemoryTriggerState(),
      random: () => jitter.next(),
      http: this.customers(),
      observer: {
        onStarted: (trigger) => add(this.started, trigger),
        onFired: (trigger) => add(this.fired, trigger),
        onCancelled: (trigger, reason) => add((this.cancelled[trigger] ??= {}), reason),
        onOutcome: (channel, outcome, reason) => {
          if (outcome === 'cancelled') add(this.sendsCancelled, reason ?? 'unknown');
          if (outcome === 'sent') add(this.sendsByChannel, channel);
        },
      },
    });
    this.journeys.start();
    const receipts = new ReceiptJoiner({ store: this.tact.store, policies: this.tact.policies, log, clock: this.clock });
    this.deps = { store: this.tact.store, log, clock: this.clock, receipts, onEvent: (e) => this.journeys.onEvent(e) };
  }

  get name(): string {
    const p = this.o.policy;
    return p.kind === 'no-send' ? 'no-send' : p.name;
  }

  async run(): Promise<JourneySimResult> {
    const { world, seed, events } = this.o;
    const step = this.o.stepMs ?? 3 * MINUTE;
    const rng = new SeededRandom(seed);
    const start = this.clock.now();
    await this.introduce(rng);
    for (let i = 0; i < events; i++) {
      await this.runUntil(start + i * step);
      await this.spontaneous(rng, world.customers[Math.floor(rng.next() * world.customers.length)] as SimCustomer);
    }
    await this.runUntil(start + events * step + DRAIN_MS);
    const sends = Object.values(this.sendsByChannel).reduce((a, b) => a + b, 0);
    const c = this.conversions;
    return {
      policy: this.name,
      events,
      fired: this.fired,
      cancelled: this.cancelled,
      started: this.started,
      decidedSends: this.decidedSends,
      sends,
      sendsByChannel: this.sendsByChannel,
      sendsCancelled: this.sendsCancelled,
      conversions: c.organic + c.message,
      messageConversions: c.message,
      organicConversions: c.organic,
      value: c.value,
      cost: c.cost,
      net: c.value - c.cost,
      ledger: this.ledger,
      firings: this.firings,
    };
  }

  async close(): Promise<void> {
    await this.journeys.close();
    await this.tact.close();
  }

  /**
   * What a shop's backend tells Tact before anything happens: each
   * customer's consent, time zone and profile, and (backdated) their last
   * app open, so the inactivity trigger has a past to count from.
   */
  private async introduce(rng: Random): Promise<void> {
    const now = this.clock.now();
    for (const c of this.o.world.customers) {
      const p = c.profile;
      await this.tact.store.setConsent(c.id, consentOf({ id: c.id, timeZone: p.timeZone, hasApp: p.hasApp, preferredChannel: p.preferredChannel }));
      await this.record(c.id, {
        type: 'PROFILE_UPDATE',
        attributes: {
          numeric: { tenure_days: p.tenureDays },
          categorical: { segment: p.segment, age_band: p.ageBand, device: p.device, has_app: p.hasApp ? 'yes' : 'no', preferred_channel: p.preferredChannel },
        },
      });
      // Always drawn, app or not: the stream stays aligned.
      const daysAgo = 1 + 39 * rng.next();
      if (p.hasApp) await this.record(c.id, { type: 'CUSTOM', name: 'app_open', at: ts(now - daysAgo * DAY) });
    }
    await this.queues.runDue();
  }

  /** One thing a customer does on their own. Takes the same draws whatever happens. */
  private async spontaneous(rng: Random, c: SimCustomer): Promise<void> {
    const u = rng.next();
    const line = this.o.world.drawLine(rng, c);
    const uReturn = rng.next();
    const returnAfter = -Math.log(1 - rng.next()) * RETURN_MEAN_MS;
    const shipAfter = (20 + 10 * rng.next()) * HOUR;
    const noise = valueNoise(gaussian(rng));
    const now = this.clock.now();
    const item = { item_id: line.item, category: line.category };
    if (u < 0.3) {
      c.state.cart = [...c.state.cart.filter((l) => l.item !== line.item), line].slice(-3);
      await this.record(c.id, { type: 'CART_ADD', ...item, attributes: { numeric: { event_value: line.value }, categorical: { event_category: line.category } } });
      if (uReturn < RETURN_RATE) {
        this.plan(now + returnAfter, { kind: 'organic', customerId: c.id, itemId: line.item, category: line.category, since: now, value: line.value * noise });
      }
    } else if (u < 0.65 || (u < 0.85 && !c.profile.hasApp)) {
      await this.record(c.id, { type: 'CUSTOM', name: 'page_view', ...item });
    } else if (u < 0.85) {
      await this.record(c.id, { type: 'CUSTOM', name: 'app_open' });
    } else {
      await this.purchase(c, line.item, line.category, 'direct');
      this.plan(now + shipAfter, { kind: 'custom', customerId: c.id, name: 'order_shipped', itemId: line.item, category: line.category });
    }
  }

  private plan(at: number, p: Planned): void {
    this.agenda.push(at, p);
  }

  /** Move the clock to `end`, running the queues every tick and the planned customer actions at their times. */
  private async runUntil(end: number): Promise<void> {
    for (;;) {
      const next = Math.min(end, this.agenda.peekKey() ?? end, this.clock.now() + TICK_MS);
      if (next > this.clock.now()) {
        this.clock.set(next);
        await this.tact.joiner.sweep();
      }
      await this.queues.runDue();
      while ((this.agenda.peekKey() ?? Infinity) <= this.clock.now()) await this.act(this.agenda.pop() as Planned);
      if (this.clock.now() >= end) return;
    }
  }

  private async act(p: Planned): Promise<void> {
    const c = this.o.world.customer(p.customerId);
    if (!c) throw tactError('INVARIANT', `simulation: unknown customer ${p.customerId}`);
    switch (p.kind) {
      case 'organic': {
        // Bought already (a message sold it), or put off by an annoying send since the cart add.
        if (!c.state.cart.some((l) => l.item === p.itemId)) return;
        if (c.state.annoyances.some((t) => t >= p.since)) return;
        this.conversions.organic++;
        this.conversions.value += p.value;
        await this.purchase(c, p.itemId, p.category, 'organic');
        return;
      }
      case 'message_buy': {
        this.conversions.message++;
        this.conversions.value += p.value;
        await this.purchase(c, p.itemId, p.category, 'message');
        await this.tact.joiner.reward({ decisionId: p.decisionId, actionId: p.actionId, value: p.value });
        return;
      }
      case 'receipt':
        // The message too: a receipt may outlive its decision's record (an ignore is known a day later).
        await this.record(c.id, { type: p.type, decision_id: p.decisionId, action_id: p.actionId, message_id: p.messageId, channel: p.channel });
        return;
      case 'custom':
        await this.record(c.id, { type: 'CUSTOM', name: p.name, item_id: p.itemId ?? '', category: p.category ?? '' });
        return;
    }
  }

  private async purchase(c: SimCustomer, itemId: string, category: string, cause: 'organic' | 'message' | 'direct'): Promise<void> {
    const now = this.clock.now();
    c.state.cart = c.state.cart.filter((l) => l.item !== itemId);
    c.state.purchases.push({ item: itemId, category, at: now });
    await this.record(c.id, { type: 'PURCHASE', item_id: itemId, category }, cause);
  }

  /** RecordEvent as the gRPC handler runs it (receipts joined, store, trigger rules), then whatever fell due. */
  private async record(customerId: string, req: Partial<RecordEventRequest__Output> & Pick<RecordEventRequest__Output, 'type'>, cause?: LedgerEvent['cause']): Promise<void> {
    const at = req.at ? req.at.seconds * 1000 + Math.floor(req.at.nanos / 1e6) : this.clock.now();
    await recordEvent(this.deps, {
      customer_id: customerId,
      item_id: '',
      category: '',
      message_id: '',
      channel: '',
      at: ts(at),
      attributes: null,
      name: '',
      decision_id: '',
      action_id: '',
      ...req,
    });
    const name = req.type === 'CUSTOM' ? (req.name ?? '') : req.type.toLowerCase();
    this.ledger.push({ customerId, name, at, ...(req.item_id ? { itemId: req.item_id } : {}), ...(cause ? { cause } : {}) });
  }

  /** A firing decides: Tact's pipeline, or the control's no-send. */
  private async decide(input: DecideInput): Promise<Decision> {
    const c = this.o.world.customer(input.customerId);
    if (!c) throw tactError('INVARIANT', `simulation: unknown customer ${input.customerId}`);
    const p = this.o.policy;
    const decision =
      p.kind === 'no-send'
        ? await this.control.decide(input, { id: c.id, timeZone: c.profile.timeZone, hasApp: c.profile.hasApp, preferredChannel: c.profile.preferredChannel })
        : await this.tact.engine.decide(p.policy ? { ...input, policy: p.policy } : input);
    const itemId = input.context.categorical['item'];
    this.firings.push({ trigger: input.trigger, customerId: input.customerId, at: input.at, decisionId: decision.decisionId, ...(itemId ? { itemId } : {}) });
    if (decision.choices.some((ch) => !ch.noSend && ch.channel)) this.decidedSends++;
    return decision;
  }

  /** The customers as the webhook receiver: each send is read (or not) and answered by the world's response model. */
  private customers(): HttpPost {
    return {
      post: async (_url, _headers, body) => {
        const { data } = JSON.parse(body) as { data: DeliveredSend };
        await this.receive(data);
        return { status: 204 };
      },
    };
  }

  private async receive(d: DeliveredSend): Promise<void> {
    const { world, seed } = this.o;
    const c = world.customer(d.customer_id);
    if (!c) throw tactError('INVARIANT', `simulation: a send to unknown customer ${d.customer_id}`);
    const now = this.clock.now();
    const decided = (await this.tact.store.findDecision(d.decision_id))?.at ?? now;
    const item = d.context.categorical['item'] ?? '';
    const category = d.context.categorical['item_category'] ?? '';
    c.state.current = { trigger: d.trigger, item, category, value: c.state.cart.find((l) => l.item === item)?.value ?? 0, at: decided };
    const cost = this.catalog.channels.get(d.channel)?.cost ?? 0;
    const action: SimAction = { messageId: d.message_id, channel: d.channel, sendAt: Date.parse(d.send_at), noSend: false, cost };
    // The send's luck depends on who, which trigger and when, not on the decision id: runs of other policies share it.
    const luck = new SeededRandom(murmur3(`${seed}:${c.id}:${d.trigger}:${decided}:${d.message_id}:${d.channel}`));
    const r = world.respond(c, action, decided, luck);
    // Organic returns are the activity stream's; here only what the message itself did.
    const bought = r.converted && !r.organic;
    world.record(c, action, decided, { ...r, converted: false });
    this.conversions.cost += cost;
    const ids = { customerId: c.id, decisionId: d.decision_id, actionId: d.action_id };
    const receipt = { kind: 'receipt', ...ids, messageId: d.message_id, channel: d.channel } as const;
    this.plan(now, { ...receipt, type: 'MESSAGE_DELIVERED' });
    this.plan(now + (r.opened ? OPEN_DELAY_MS : IGNORE_DELAY_MS), { ...receipt, type: r.opened ? 'MESSAGE_OPENED' : 'MESSAGE_IGNORED' });
    if (!bought) return;
    const message = this.catalog.messages.get(d.message_id);
    const sameCategory = message?.category === category && item !== '';
    const boughtItem = sameCategory ? item : (message?.items[0] ?? `${message?.category ?? 'general'}-item-1`);
    this.plan(now + BUY_DELAY_MS, { kind: 'message_buy', ...ids, itemId: boughtItem, category: message?.category ?? category, value: r.value });
  }

}

/** The webhook body's `data` as the simulated customers read it. */
interface DeliveredSend {
  readonly decision_id: string;
  readonly customer_id: string;
  readonly trigger: string;
  readonly action_id: string;
  readonly message_id: string;
  readonly channel: string;
  readonly send_at: string;
  readonly context: { readonly categorical: Readonly<Record<string, string>> };
}
