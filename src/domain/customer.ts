import type { Features } from './features.js';

/**
 * What Tact knows of one customer: the vocabulary the store loads and saves,
 * the rules and the featurizer read, and the transport maps events onto.
 */

/** Per-channel consent and contact preferences. */
export interface ConsentState {
  /**
   * Explicit per-channel consent. A channel absent here has no recorded
   * answer: the channel's catalog setting (`consent: opt_in | opt_out`) says
   * whether that counts as no or yes. An explicit false always blocks.
   */
  readonly channels: Readonly<Record<string, boolean>>;
  /** Opt-out of all marketing; service messages still go out. */
  readonly optOut: boolean;
  readonly preferredChannel: string;
  /** IANA time zone; "" means unknown (rules then use UTC). */
  readonly timeZone: string;
  /** Channels the customer cannot be reached on (no app: "push"). */
  readonly unreachable: readonly string[];
}

export type CustomerEventType =
  | 'cart_add'
  | 'cart_remove'
  | 'purchase'
  | 'message_delivered'
  | 'message_opened'
  | 'message_clicked'
  | 'message_ignored'
  | 'unsubscribe'
  | 'ticket_opened'
  | 'ticket_closed'
  | 'profile_update';

export interface CustomerEvent {
  readonly type: CustomerEventType;
  readonly at: number;
  readonly itemId?: string;
  readonly category?: string;
  readonly messageId?: string;
  readonly channel?: string;
  /** profile_update: attributes merged into the profile. */
  readonly attributes?: Features;
}

export interface ItemEvent {
  readonly itemId: string;
  readonly category: string;
  readonly at: number;
}

export interface SendRecord {
  readonly channel: string;
  /** Empty for client candidates (no catalog message). */
  readonly messageId: string;
  /** When the send lands (the choice's sendAt), ms since epoch. */
  readonly at: number;
}

/** Everything the rules and the featurizer know of one customer. */
export interface CustomerState {
  readonly customerId: string;
  readonly profile: Features;
  readonly consent: ConsentState;
  readonly cart: readonly ItemEvent[];
  /** Recent purchases (kept for the longest suppression window). */
  readonly purchases: readonly ItemEvent[];
  readonly openTickets: number;
  /** Recent sends (kept for the longest cap window). */
  readonly sends: readonly SendRecord[];
  /** Recent ignored messages (kept for the fatigue window), with the channel they came on when known. */
  readonly ignored: readonly { readonly messageId: string; readonly at: number; readonly channel?: string }[];
  /**
   * Set when no marketing send may go to anyone because the state behind
   * this customer cannot be trusted (Redis lost its data): the reason.
   */
  readonly sendsStopped?: string;
}

/**
 * One cap to check when reserving a send: at most `max` sends for `key` in
 * any sliding window of `windowMs`. A new send at time t passes when fewer
 * than `max` recorded sends for the key have |at - t| < windowMs: sends may be
 * scheduled in the future (deferred by quiet hours), so both sides count.
 */
export interface CapCheck {
  /** "channel:<id>" (matches SendRecord.channel) or "message:<id>" (matches SendRecord.messageId). */
  readonly key: string;
  readonly max: number;
  readonly windowMs: number;
}

export interface SendReservation {
  readonly send: SendRecord;
  readonly caps: readonly CapCheck[];
}
