import type { Catalog, MessageSpec } from '../catalog/catalog.js';
import { localTimeParts } from '../catalog/time.js';
import { gaussian, randomInt, SeededRandom, type Random } from '../core/random.js';
import type { Candidate } from '../domain/decision.js';
import type { Features } from '../domain/features.js';

/**
 * A synthetic marketing world to test policies against. Customers have hidden
 * tastes (categories, channels, price sensitivity, hours of the day, patience)
 * and show only noisy proxies of them (segment, age band, device, a stated
 * preferred channel), so a contextual learner can beat a context-free one and
 * an oracle that sees the hidden tastes bounds what any policy can reach.
 *
 * The model, per send (all probabilities exact, see `expected`):
 *   P(open)       = sigmoid(channel base + channel taste + time of day
 *                           - fatigue - recent annoyance [+ service]) x reachability
 *   P(buy | open) = sigmoid(customer base + category taste + relevance to the
 *                           trigger + price sensitivity x discount) x delay decay
 *   P(bought)     = P(open) x P(buy | open)
 *   P(annoyed)    = (1 - P(bought)) x (base + fatigue + night SMS/push
 *                                      + promoting what is already in the cart)
 *   P(organic)    = (1 - P(bought)) x (1 - P(annoyed | not bought)) x organic rate
 *   P(convert)    = P(bought) + P(organic)
 * Organic conversions (a cart owner coming back anyway) happen without any
 * send, and an annoying send spoils them: that is why no-send can win.
 * A conversion's money value is drawn around the message's value (organic
 * conversions: around the cart or typical order value).
 */

export type ChannelTaste = 'email' | 'sms' | 'push' | 'none';

/** What a retailer would know about a customer: noisy proxies of the hidden traits. */
export interface CustomerProfile {
  readonly segment: string;
  readonly ageBand: string;
  readonly tenureDays: number;
  readonly device: 'ios' | 'android' | 'desktop';
  readonly hasApp: boolean;
  /** Stated preference: right about 70% of the time, "unknown" for some. */
  readonly preferredChannel: string;
  readonly timeZone: string;
}

/** What only the world (and the oracle) knows. */
export interface CustomerTraits {
  /** Log-odds of buying once a message is opened, before category and offer. */
  readonly baseLogit: number;
  /** Log-odds gained per unit of discount fraction (x 8). */
  readonly priceSensitivity: number;
  readonly categoryTaste: Readonly<Record<string, number>>;
  readonly channel: ChannelTaste;
  /** Local hour (0-24) at which the customer is most responsive. */
  readonly peakHour: number;
  /** 0..1: how easily ignored or badly timed sends annoy. */
  readonly irritability: number;
  readonly typicalOrder: number;
}

export interface CartLine {
  readonly item: string;
  readonly category: string;
  readonly value: number;
}

/** The trigger being answered: what the customer just did. */
export interface CurrentEvent {
  readonly trigger: string;
  /** Category the event is about (cart line, browsed page, purchase); '' if none. */
  readonly category: string;
  readonly item: string;
  /** Order or cart value the event is about (organic conversions are worth this). */
  readonly value: number;
  readonly at: number;
}

export interface CustomerState {
  cart: CartLine[];
  /** Items bought, with time: never worth promoting again soon. */
  purchases: { item: string; category: string; at: number }[];
  /** Send times (scheduled sends included): fatigue. */
  sends: number[];
  annoyances: number[];
  current: CurrentEvent;
}

export interface SimCustomer {
  readonly id: string;
  readonly profile: CustomerProfile;
  readonly traits: CustomerTraits;
  readonly state: CustomerState;
}

/** What a send is, as far as the world cares. Catalog candidates and executed choices both fit. */
export type SimAction = Pick<Candidate, 'messageId' | 'channel' | 'sendAt' | 'noSend' | 'cost'>;

export interface Response {
  readonly converted: boolean;
  /** Order value of the conversion; 0 without one. */
  readonly value: number;
  readonly opened: boolean;
  readonly annoyed: boolean;
  /** The conversion would have happened without the send. */
  readonly organic: boolean;
}

export interface Expectation {
  readonly pOpen: number;
  /** P(buy | open), delay decay included. */
  readonly pBuyGivenOpen: number;
  /** P(a conversion the send did not cause): the organic rate, less what annoyance spoils. */
  readonly pOrganic: number;
  readonly pConvert: number;
  readonly pAnnoyed: number;
  /** P(annoyed | sent and not bought because of the message). */
  readonly pAnnoyedIfNotBought: number;
  /** E[conversion value]. */
  readonly expectedValue: number;
  /** E[conversion value] - channel cost: what the oracle maximises. */
  readonly expectedNet: number;
}

/** One event of the stream: who, which trigger, and the context a client would send. */
export interface WorldEvent {
  readonly customer: SimCustomer;
  readonly trigger: string;
  /** Trigger context (event category, cart value, ...): raw, unscaled. */
  readonly context: Features;
}

export interface WorldOptions {
  readonly seed: number;
  /** Default 500. */
  readonly customers?: number;
  /** IANA zones customers live in; default a European/American mix. */
  readonly timeZones?: readonly string[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FATIGUE_WINDOW = 72 * HOUR;
const ANNOYANCE_WINDOW = 14 * DAY;
const PURCHASE_MEMORY = 30 * DAY;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

function pick<T>(rng: Random, items: readonly T[]): T {
  return items[randomInt(rng, items.length)] as T;
}

function weighted<T>(rng: Random, entries: readonly (readonly [T, number])[]): T {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let u = rng.next() * total;
  for (const [item, w] of entries) {
    u -= w;
    if (u < 0) return item;
  }
  return (entries[entries.length - 1] as readonly [T, number])[0];
}

// ---------------------------------------------------------------- customers

interface SegmentSpec {
  readonly baseLogit: number;
  readonly priceSensitivity: number;
  readonly weight: number;
  /** Extra taste for some categories. */
  readonly likes: readonly string[];
}

const SEGMENTS: Readonly<Record<string, SegmentSpec>> = {
  bargain_hunter: { weight: 0.25, baseLogit: -1.9, priceSensitivity: 1.5, likes: ['beauty', 'home'] },
  loyal: { weight: 0.2, baseLogit: -1.0, priceSensitivity: 0.2, likes: ['outerwear', 'shoes'] },
  new: { weight: 0.2, baseLogit: -1.7, priceSensitivity: 0.8, likes: [] },
  lapsed: { weight: 0.15, baseLogit: -2.4, priceSensitivity: 1.1, likes: ['home'] },
  trendsetter: { weight: 0.2, baseLogit: -1.4, priceSensitivity: 0.4, likes: ['shoes', 'outerwear', 'accessories'] },
};

const AGE_BANDS: readonly (readonly [string, number])[] = [
  ['18-24', 0.15],
  ['25-34', 0.3],
  ['35-49', 0.3],
  ['50-64', 0.17],
  ['65+', 0.08],
];

const DEFAULT_ZONES = ['Europe/Berlin', 'Europe/London', 'America/New_York', 'America/Los_Angeles', 'UTC'];

function channelTasteFor(rng: Random, ageBand: string): ChannelTaste {
  if (ageBand === '18-24' || ageBand === '25-34') {
    return weighted<ChannelTaste>(rng, [['sms', 0.3], ['push', 0.4], ['email', 0.15], ['none', 0.15]]);
  }
  if (ageBand === '35-49') {
    return weighted<ChannelTaste>(rng, [['email', 0.35], ['sms', 0.25], ['push', 0.25], ['none', 0.15]]);
  }
  return weighted<ChannelTaste>(rng, [['email', 0.6], ['sms', 0.15], ['push', 0.05], ['none', 0.2]]);
}

function peakHourFor(rng: Random, ageBand: string): number {
  const young = ageBand === '18-24' || ageBand === '25-34';
  const older = ageBand === '50-64' || ageBand === '65+';
  const centre = young ? 21 : older ? 9 : rng.next() < 0.5 ? 12.5 : 20;
  return (centre + 1.5 * gaussian(rng) + 24) % 24;
}

function makeCustomer(rng: Random, index: number, categories: readonly string[], zones: readonly string[]): SimCustomer {
  const segment = weighted(rng, Object.entries(SEGMENTS).map(([name, s]) => [name, s.weight] as const));
  const spec = SEGMENTS[segment] as SegmentSpec;
  const ageBand = weighted(rng, AGE_BANDS);
  const older = ageBand === '50-64' || ageBand === '65+';
  const device = older
    ? weighted(rng, [['desktop', 0.45], ['ios', 0.25], ['android', 0.3]] as const)
    : weighted(rng, [['ios', 0.45], ['android', 0.4], ['desktop', 0.15]] as const);
  let channel = channelTasteFor(rng, ageBand);
  const hasApp = device !== 'desktop' && (channel === 'push' || rng.next() < 0.7);
  if (channel === 'push' && !hasApp) channel = 'email';
  const stated = rng.next() < 0.7 ? (channel === 'none' ? 'unknown' : channel) : pick(rng, ['email', 'sms', 'push', 'unknown']);
  const categoryTaste: Record<string, number> = {};
  for (const c of categories) {
    categoryTaste[c] = 0.6 * gaussian(rng) + (spec.likes.includes(c) ? 0.6 : 0) + (older && c === 'home' ? 0.3 : 0);
  }
  const tenureDays =
    segment === 'new' ? 5 + randomInt(rng, 55) : segment === 'lapsed' ? 300 + randomInt(rng, 1200) : 60 + randomInt(rng, 1100);
  return {
    id: `c${String(index).padStart(5, '0')}`,
    profile: { segment, ageBand, tenureDays, device, hasApp, preferredChannel: stated, timeZone: pick(rng, zones) },
    traits: {
      baseLogit: spec.baseLogit + 0.3 * gaussian(rng),
      priceSensitivity: Math.max(0, spec.priceSensitivity + 0.25 * gaussian(rng)),
      categoryTaste,
      channel,
      peakHour: peakHourFor(rng, ageBand),
      irritability: clamp(rng.next() + (older ? 0.2 : 0), 0, 1),
      typicalOrder: 40 + 80 * rng.next(),
    },
    state: { cart: [], purchases: [], sends: [], annoyances: [], current: { trigger: '', category: '', item: '', value: 0, at: 0 } },
  };
}

// ---------------------------------------------------------------- response model

/** Base open log-odds per channel: SMS is read, email and push mostly not. */
const CHANNEL_BASE: Readonly<Record<string, number>> = { email: -1.2, sms: 0.2, push: -1.1, in_app: 0.3 };

/** How fast a trigger's moment passes: hours until a message's pull halves. */
const HALF_LIFE_HOURS: Readonly<Record<string, number>> = {
  cart_abandoned: 10,
  browse: 14,
  purchase: 36,
  app_open: 1,
  order_shipped: 6,
  inactive_30d: 96,
};

/** Purchases a category naturally leads to (cross-sell relevance). */
const COMPLEMENTS: Readonly<Record<string, readonly string[]>> = {
  shoes: ['accessories'],
  outerwear: ['accessories'],
  beauty: ['beauty'],
  home: ['home'],
  accessories: ['accessories', 'beauty'],
};

/** Circular distance between two hours of the day. */
const hourDistance = (a: number, b: number): number => {
  const d = Math.abs(a - b) % 24;
  return Math.min(d, 24 - d);
};

const isNight = (hour: number, from: number, to: number): boolean => hour >= from || hour < to;

const countSince = (times: readonly number[], since: number): number => {
  let n = 0;
  for (const t of times) if (t > since) n++;
  return n;
};

/** Log-odds of paying attention at a local hour: best at the customer's peak, worst asleep. */
function timeOfDay(traits: CustomerTraits, channel: string, localHour: number): number {
  const d = hourDistance(localHour, traits.peakHour);
  const peak = 0.9 * Math.exp(-(d * d) / (2 * 2.5 * 2.5)) - 0.3;
  // Email waits in the inbox; a push or SMS at 3 a.m. is simply missed.
  const asleep = isNight(localHour, 0, 6) ? (channel === 'email' ? -0.3 : -1.2) : 0;
  return peak + asleep;
}

function reachable(profile: CustomerProfile, channel: string): boolean {
  return (channel !== 'push' && channel !== 'in_app') || profile.hasApp;
}

function channelTaste(traits: CustomerTraits, channel: string): number {
  if (traits.channel === 'none') return -1.0;
  if (channel === 'in_app') return 0; // seen in a session the customer started
  return traits.channel === channel ? 1.3 : -0.4;
}

/** Does the message promote something already in the cart or bought recently? */
function promotesOwned(customer: SimCustomer, message: MessageSpec, atMs: number): boolean {
  if (message.items.length === 0 || message.service) return false;
  const { cart, purchases } = customer.state;
  return message.items.some(
    (item) => cart.some((l) => l.item === item) || purchases.some((p) => p.item === item && p.at > atMs - PURCHASE_MEMORY),
  );
}

function categoryTaste(traits: CustomerTraits, category: string): number {
  const t = traits.categoryTaste[category];
  if (t !== undefined) return t;
  // "general" offers (win-back) appeal as much as the average category.
  const all = Object.values(traits.categoryTaste);
  return all.length === 0 ? 0 : all.reduce((a, b) => a + b, 0) / all.length;
}

/** Log-odds a message gains from fitting what the customer just did. */
function relevance(event: CurrentEvent, message: MessageSpec): number {
  switch (event.trigger) {
    case 'cart_abandoned':
      return message.category === event.category ? 1.6 : -1.2;
    case 'browse':
      return message.category === event.category ? 1.0 : -0.8;
    case 'purchase':
      return (COMPLEMENTS[event.category] ?? []).includes(message.category) ? 1.0 : -0.6;
    case 'order_shipped':
      return message.service ? 1.5 : 0;
    case 'inactive_30d':
      return -0.6;
    case 'app_open':
      return 0.2;
    default:
      return 0;
  }
}

/** Chance of buying without any message: a cart owner often comes back anyway. */
function organicRate(event: CurrentEvent): number {
  if (event.trigger === 'cart_abandoned') return 0.06;
  if (event.trigger === 'browse') return 0.01;
  return 0;
}

function organicValue(customer: SimCustomer): number {
  const v = customer.state.current.value;
  return v > 0 ? v : customer.traits.typicalOrder;
}

// ---------------------------------------------------------------- the world

/** Log-normal multiplier with mean 1: order values vary, never go negative. */
const VALUE_SIGMA = 0.3;
export const valueNoise = (z: number): number => Math.exp(VALUE_SIGMA * z - (VALUE_SIGMA * VALUE_SIGMA) / 2);

export class MarketingWorld {
  readonly customers: readonly SimCustomer[];
  private readonly byId: ReadonlyMap<string, SimCustomer>;
  private readonly itemsByCategory: ReadonlyMap<string, readonly string[]>;
  private readonly triggers: readonly (readonly [string, number])[];

  constructor(
    readonly catalog: Catalog,
    readonly options: WorldOptions,
  ) {
    const rng = new SeededRandom(options.seed);
    const categories = [...new Set([...catalog.messages.values()].map((m) => m.category))].filter(
      (c) => c !== 'general' && c !== 'service',
    );
    const zones = options.timeZones ?? DEFAULT_ZONES;
    this.customers = Array.from({ length: options.customers ?? 500 }, (_, i) => makeCustomer(rng, i, categories, zones));
    this.byId = new Map(this.customers.map((c) => [c.id, c]));
    this.itemsByCategory = new Map(categories.map((c) => [c, itemPool(catalog, c)]));
    const weights: Readonly<Record<string, number>> = {
      cart_abandoned: 0.28,
      browse: 0.22,
      app_open: 0.15,
      purchase: 0.12,
      order_shipped: 0.1,
      inactive_30d: 0.13,
    };
    this.triggers = [...catalog.triggers.keys()].map((t) => [t, weights[t] ?? 0.05] as const);
  }

  customer(id: string): SimCustomer | undefined {
    return this.byId.get(id);
  }

  /** Customer features a client would send: the profile, plus recent contact pressure. */
  observableFeatures(customer: SimCustomer, atMs: number): Features {
    const p = customer.profile;
    const hour = localTimeParts(atMs, p.timeZone).hour;
    return {
      numeric: {
        tenure_days: p.tenureDays,
        sends_72h: countSince(customer.state.sends, atMs - FATIGUE_WINDOW),
        cart_items: customer.state.cart.length,
      },
      categorical: {
        segment: p.segment,
        age_band: p.ageBand,
        device: p.device,
        has_app: p.hasApp ? 'yes' : 'no',
        preferred_channel: p.preferredChannel,
        daypart: hour < 6 ? 'night' : hour < 12 ? 'morning' : hour < 18 ? 'afternoon' : 'evening',
      },
    };
  }

  /**
   * Draw the next event: a customer does something that asks for a decision.
   * Updates that customer's state (cart, purchases) as the event implies.
   */
  nextEvent(rng: Random, atMs: number): WorldEvent {
    const customer = pick(rng, this.customers);
    let trigger = weighted(rng, this.triggers);
    if (trigger === 'app_open' && !customer.profile.hasApp) trigger = 'browse';
    if (trigger === 'order_shipped' && customer.state.purchases.length === 0) trigger = 'purchase';
    this.prune(customer, atMs);
    const current = this.applyEvent(rng, customer, trigger, atMs);
    customer.state.current = current;
    return {
      customer,
      trigger,
      context: {
        numeric: { event_value: current.value },
        categorical: { event_category: current.category || 'none' },
      },
    };
  }

  private applyEvent(rng: Random, customer: SimCustomer, trigger: string, atMs: number): CurrentEvent {
    const s = customer.state;
    const none: CurrentEvent = { trigger, category: '', item: '', value: 0, at: atMs };
    switch (trigger) {
      case 'cart_abandoned': {
        const line = this.drawLine(rng, customer);
        s.cart.push(line);
        if (s.cart.length > 3) s.cart.shift();
        return { trigger, category: line.category, item: line.item, value: line.value, at: atMs };
      }
      case 'browse': {
        const line = this.drawLine(rng, customer);
        return { trigger, category: line.category, item: line.item, value: line.value, at: atMs };
      }
      case 'purchase': {
        const line = s.cart.pop() ?? this.drawLine(rng, customer);
        s.purchases.push({ item: line.item, category: line.category, at: atMs });
        return { trigger, category: line.category, item: line.item, value: line.value, at: atMs };
      }
      case 'order_shipped': {
        const last = s.purchases[s.purchases.length - 1];
        return last ? { ...none, category: last.category, item: last.item } : none;
      }
      default:
        return none;
    }
  }

  /**
   * A cart or page line in a category the customer likes (softmax over
   * tastes). Always takes the same number of draws, so event streams built
   * from it stay aligned across policies.
   */
  drawLine(rng: Random, customer: SimCustomer): CartLine {
    const tastes = Object.entries(customer.traits.categoryTaste).map(([c, t]) => [c, Math.exp(t)] as const);
    const category = weighted(rng, tastes);
    const pool = this.itemsByCategory.get(category) ?? [`${category}-item`];
    const base = customer.traits.typicalOrder * (category === 'outerwear' ? 1.5 : category === 'beauty' ? 0.5 : 1);
    return { item: pick(rng, pool), category, value: Math.round(base * valueNoise(gaussian(rng))) };
  }

  private prune(customer: SimCustomer, atMs: number): void {
    const s = customer.state;
    s.sends = s.sends.filter((t) => t > atMs - FATIGUE_WINDOW);
    s.annoyances = s.annoyances.filter((t) => t > atMs - ANNOYANCE_WINDOW);
    s.purchases = s.purchases.filter((p) => p.at > atMs - PURCHASE_MEMORY);
  }

  /** Exact probabilities and expected value of an action for the customer's current event. */
  expected(customer: SimCustomer, action: SimAction, atMs: number): Expectation {
    const event = customer.state.current;
    const pOrganic = organicRate(event);
    const orgValue = organicValue(customer);
    const message = action.noSend ? undefined : this.catalog.messages.get(action.messageId);
    if (!message) {
      const expectedValue = pOrganic * orgValue;
      return {
        pOpen: 0,
        pBuyGivenOpen: 0,
        pOrganic,
        pConvert: pOrganic,
        pAnnoyed: 0,
        pAnnoyedIfNotBought: 0,
        expectedValue,
        expectedNet: expectedValue - (action.noSend ? 0 : action.cost),
      };
    }
    const localHour = hourOf(action.sendAt, customer.profile.timeZone);
    const pOpen = this.openProbability(customer, message, action.channel, localHour, atMs);
    const owned = promotesOwned(customer, message, atMs);
    const pBuyGivenOpen = owned ? 0 : this.buyProbability(customer, message, action.sendAt - atMs);
    const pBought = pOpen * pBuyGivenOpen;
    const pAnnoyIfNot = this.annoyProbability(customer, action.channel, localHour, owned, atMs);
    const pOrganicHere = (1 - pBought) * (1 - pAnnoyIfNot) * pOrganic;
    const expectedValue = pBought * message.value + pOrganicHere * orgValue;
    return {
      pOpen,
      pBuyGivenOpen,
      pOrganic: pOrganicHere,
      pConvert: pBought + pOrganicHere,
      pAnnoyed: (1 - pBought) * pAnnoyIfNot,
      pAnnoyedIfNotBought: pAnnoyIfNot,
      expectedValue,
      expectedNet: expectedValue - action.cost,
    };
  }

  private openProbability(customer: SimCustomer, message: MessageSpec, channel: string, localHour: number, atMs: number): number {
    if (!reachable(customer.profile, channel)) return 0;
    const s = customer.state;
    const logit =
      (CHANNEL_BASE[channel] ?? -1.5) +
      channelTaste(customer.traits, channel) +
      timeOfDay(customer.traits, channel, localHour) -
      0.35 * countSince(s.sends, atMs - FATIGUE_WINDOW) -
      0.4 * countSince(s.annoyances, atMs - ANNOYANCE_WINDOW) +
      (message.service ? 1.2 : 0);
    return sigmoid(logit);
  }

  private buyProbability(customer: SimCustomer, message: MessageSpec, delayMs: number): number {
    const t = customer.traits;
    const event = customer.state.current;
    const discount = message.features.numeric['discount'] ?? 0;
    const winBack = event.trigger === 'inactive_30d' ? 1.5 : 1;
    const logit = t.baseLogit + categoryTaste(t, message.category) + relevance(event, message) + 8 * t.priceSensitivity * discount * winBack;
    const halfLife = HALF_LIFE_HOURS[event.trigger] ?? 24;
    return sigmoid(logit) * Math.pow(0.5, Math.max(0, delayMs) / HOUR / halfLife);
  }

  /** P(annoyed | the send did not convert). */
  private annoyProbability(customer: SimCustomer, channel: string, localHour: number, owned: boolean, atMs: number): number {
    if (!reachable(customer.profile, channel)) return 0;
    const nightSms = channel === 'sms' && isNight(localHour, 21, 9) ? 0.5 : 0;
    const nightPush = channel === 'push' && isNight(localHour, 22, 8) ? 0.3 : 0;
    const pressure = 0.03 * countSince(customer.state.sends, atMs - FATIGUE_WINDOW);
    return clamp(0.01 + 0.04 * customer.traits.irritability + pressure + nightSms + nightPush + (owned ? 0.6 : 0), 0, 0.95);
  }

  /**
   * Sample what the customer does. Pure: the world's state does not change
   * (call `record` for that). Always consumes the same number of draws, so
   * two policies fed the same per-round seed face the same luck.
   */
  respond(customer: SimCustomer, action: SimAction, atMs: number, rng: Random): Response {
    const e = this.expected(customer, action, atMs);
    const uOpen = rng.next();
    const uBuy = rng.next();
    const uAnnoy = rng.next();
    const uOrganic = rng.next();
    const z = gaussian(rng);
    const sent = !action.noSend;
    const opened = sent && uOpen < e.pOpen;
    const bought = opened && uBuy < e.pBuyGivenOpen;
    const annoyed = sent && !bought && uAnnoy < e.pAnnoyedIfNotBought;
    const organic = !bought && !annoyed && uOrganic < organicRate(customer.state.current);
    const converted = organic || bought;
    const mean = organic ? organicValue(customer) : bought ? (this.catalog.messages.get(action.messageId)?.value ?? 0) : 0;
    return { converted, value: converted ? mean * valueNoise(z) : 0, opened, annoyed, organic };
  }

  /** Apply the outcome: sends tire, annoyance lingers, a bought cart line leaves the cart. */
  record(customer: SimCustomer, action: SimAction, atMs: number, response: Response): void {
    const s = customer.state;
    if (!action.noSend) s.sends.push(Math.max(atMs, action.sendAt));
    if (response.annoyed) s.annoyances.push(atMs);
    if (response.converted) {
      const event = s.current;
      if (event.item !== '') {
        s.cart = s.cart.filter((l) => l.item !== event.item);
        s.purchases.push({ item: event.item, category: event.category, at: atMs });
      }
    }
  }

  /** Oracle: the action with the best expected net value (first wins ties). */
  best<T extends SimAction>(customer: SimCustomer, actions: readonly T[], atMs: number): T | undefined {
    let best: T | undefined;
    let bestValue = -Infinity;
    for (const a of actions) {
      const v = this.expected(customer, a, atMs).expectedNet;
      if (v > bestValue) {
        bestValue = v;
        best = a;
      }
    }
    return best;
  }
}

// The oracle asks for the same few send times once per candidate; Intl is the cost.
const hourMemo = new Map<string, number>();

function hourOf(atMs: number, timeZone: string): number {
  const key = `${timeZone}|${atMs}`;
  const hit = hourMemo.get(key);
  if (hit !== undefined) return hit;
  const p = localTimeParts(atMs, timeZone);
  const hour = p.hour + p.minute / 60;
  if (hourMemo.size > 1024) hourMemo.clear();
  hourMemo.set(key, hour);
  return hour;
}

/** Items a category's carts hold: the catalog's promoted items plus generic ones. */
function itemPool(catalog: Catalog, category: string): string[] {
  const promoted = [...catalog.messages.values()].filter((m) => m.category === category).flatMap((m) => m.items);
  return [...new Set(promoted), ...[1, 2, 3, 4].map((i) => `${category}-item-${i}`)];
}
