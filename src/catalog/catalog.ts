import type { Features } from '../domain/features.js';

/**
 * The catalog: what Tact may send (messages), where (channels), when
 * (send-time slots) and in answer to what (triggers). Loaded from YAML
 * (models/catalog.yaml), validated, and swapped atomically on reload.
 */

/** Local-time window in which a channel must not deliver. "22:00"-"08:00" wraps midnight. */
export interface QuietHours {
  readonly start: string;
  readonly end: string;
  /** defer: move the send to the end of the quiet hours; drop: remove the candidate. */
  readonly action: 'defer' | 'drop';
}

/** At most `max` sends in any `windowHours` window. */
export interface FrequencyCap {
  readonly max: number;
  readonly windowHours: number;
}

/**
 * What a channel with no recorded consent answer means: opt_in needs an
 * explicit yes (SMS, push); opt_out allows until the customer says no (soft
 * opt-in for existing customers' email). An explicit no always blocks.
 */
export type ConsentMode = 'opt_in' | 'opt_out';

export interface ChannelSpec {
  readonly id: string;
  /** Cost of one send, in the same unit as rewards (e.g. EUR). */
  readonly cost: number;
  /** Absent: opt_in (the safe reading of a hand-built catalog). */
  readonly consent?: ConsentMode;
  readonly quietHours?: QuietHours;
  /** Per customer x channel caps. */
  readonly caps: readonly FrequencyCap[];
  /** Tact's delivery on this channel; absent fields take the server's settings. */
  readonly delivery?: ChannelDeliverySpec;
}

export interface ChannelDeliverySpec {
  readonly webhookUrl?: string;
  readonly stream?: string;
  readonly concurrency?: number;
  readonly ratePerSecond?: number;
  readonly maxAttempts?: number;
}

export interface MessageSpec {
  readonly id: string;
  /** Triggers this message answers. */
  readonly triggers: readonly string[];
  /** Channels it may go on. */
  readonly channels: readonly string[];
  /** Merchandise category it promotes (for suppression and as a feature). */
  readonly category: string;
  /** Items it promotes (suppressed when in cart or recently bought). */
  readonly items: readonly string[];
  /** Nominal value of a conversion (feature; rewards carry the real value). */
  readonly value: number;
  /** Service messages (order shipped, ticket update) pass marketing opt-out and open-ticket suppression. */
  readonly service: boolean;
  /** Per customer x message caps. */
  readonly caps: readonly FrequencyCap[];
  /**
   * Suppressions this message is exempt from: a cart reminder is about the
   * cart ("cart"), a refill or care cross-sell is about a purchase ("purchase").
   */
  readonly exempt?: readonly SuppressionKind[];
  /** Extra action features, e.g. {numeric: {discount: 0.1}, categorical: {tone: "urgent"}}. */
  readonly features: Features;
}

/** When a send goes out, relative to the decision. */
export type SendSlot =
  | { readonly id: string; readonly kind: 'delay'; readonly minutes: number }
  /** Next occurrence of a local wall-clock time in the customer's time zone. */
  | { readonly id: string; readonly kind: 'local_time'; readonly time: string };

export interface TriggerSpec {
  readonly id: string;
  /** Send slots offered for this trigger; default: every slot. */
  readonly slots: readonly string[];
  /** Fires the trigger from events (src/triggers); absent: only Decide calls it. */
  readonly when?: TriggerRule;
}

/** Match of a cancelling event against the starting one. */
export type CancelMatch = 'any' | 'item' | 'category';

export interface TriggerRule {
  /** Starting event: built-in type in snake case or a CUSTOM event's name. */
  readonly event: string;
  /** at_once: fire on the event; delay: afterMs after it unless cancelled; inactivity: afterMs without it. */
  readonly kind: 'at_once' | 'delay' | 'inactivity';
  readonly afterMs: number;
  readonly unless: readonly { readonly event: string; readonly match: CancelMatch }[];
  readonly reentry: { readonly per: 'customer' | 'item' | 'category'; readonly cooldownMs: number };
}

export type SuppressionKind = 'cart' | 'purchase';

/** What a cart line or purchase suppresses: promotions of its item only, or of its whole category. */
export type SuppressionScope = 'item' | 'category';

/** Settings of the eligibility rules that are not per channel or message. */
export interface RuleSettings {
  /** A purchase suppresses promotions of its item (and category, per scope) for this many days. */
  readonly purchaseSuppressionDays: number;
  readonly cartSuppression: SuppressionScope;
  readonly purchaseSuppression: SuppressionScope;
  /** A message ignored `ignored` times within `days` is suppressed for that customer. */
  readonly fatigue: { readonly ignored: number; readonly days: number };
}

export const DEFAULT_RULE_SETTINGS: RuleSettings = Object.freeze({
  purchaseSuppressionDays: 30,
  cartSuppression: 'category',
  purchaseSuppression: 'category',
  fatigue: Object.freeze({ ignored: 3, days: 14 }),
});

/** A customer's lifecycle stage, derived from activity (src/segments/lifecycle.ts). */
export type LifecycleStage = 'new' | 'active' | 'lapsing' | 'lapsed';

/**
 * Stage boundaries, in days: `new` for newDays after the first activity;
 * then `active` while the last activity is within activeDays, `lapsing`
 * within lapsedDays, `lapsed` beyond.
 */
export interface LifecycleSettings {
  readonly newDays: number;
  readonly activeDays: number;
  readonly lapsedDays: number;
}

export const DEFAULT_LIFECYCLE: LifecycleSettings = Object.freeze({ newDays: 30, activeDays: 30, lapsedDays: 90 });

/** One condition of a segment (docs/segments.md); each reads the live profile or the customer's recent events. */
export type SegmentCondition =
  /** A profile attribute: categorical value in `in`, or numeric within [gte, lte]; `exists: false` for absent. */
  | {
      readonly kind: 'attribute';
      readonly name: string;
      readonly in?: readonly string[];
      readonly gte?: number;
      readonly lte?: number;
      readonly exists?: boolean;
    }
  /** May be contacted on the channel for marketing (explicit consent, or the channel's opt_out mode; not opted out). */
  | { readonly kind: 'consent'; readonly channel: string }
  /** The customer's IANA time zone is one of these ("" = unknown). */
  | { readonly kind: 'time_zone'; readonly in: readonly string[] }
  /** Count of `event` (optionally about a category or item) within the last withinMs: in [min, max]. */
  | {
      readonly kind: 'events';
      readonly event: string;
      readonly category?: string;
      readonly item?: string;
      readonly withinMs: number;
      readonly min: number;
      readonly max?: number;
    }
  /** Money spent (sum of purchase events' numeric attribute `value`) within withinMs: in [min, max]. */
  | { readonly kind: 'money'; readonly withinMs: number; readonly min: number; readonly max?: number }
  /** Cart lines (optionally of a category or item): at least min, at most max. */
  | { readonly kind: 'cart'; readonly category?: string; readonly item?: string; readonly min: number; readonly max?: number }
  /** The customer's lifecycle stage is one of these. */
  | { readonly kind: 'lifecycle'; readonly in: readonly LifecycleStage[] };

/** A segment: every `all` condition, at least one `any` condition (when given), no `none` condition. */
export interface SegmentSpec {
  readonly id: string;
  readonly all: readonly SegmentCondition[];
  readonly any: readonly SegmentCondition[];
  readonly none: readonly SegmentCondition[];
}

export interface Catalog {
  /** Absent: DEFAULT_RULE_SETTINGS. */
  readonly rules?: RuleSettings;
  /** Micro-segments kept current by src/segments; absent: none. */
  readonly segments?: ReadonlyMap<string, SegmentSpec>;
  /** Absent: DEFAULT_LIFECYCLE. */
  readonly lifecycle?: LifecycleSettings;
  readonly channels: ReadonlyMap<string, ChannelSpec>;
  readonly messages: ReadonlyMap<string, MessageSpec>;
  readonly slots: ReadonlyMap<string, SendSlot>;
  readonly triggers: ReadonlyMap<string, TriggerSpec>;
  /** Messages answering a trigger, precomputed at load (hot path). */
  messagesFor(trigger: string): readonly MessageSpec[];
}
