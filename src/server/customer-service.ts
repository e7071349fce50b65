import type { Clock } from '../core/clock.js';
import { invalidArgument, quote, tactError } from '../core/errors.js';
import { isValidTimeZone } from '../catalog/time.js';
import type { DecisionLogSink } from '../decision/log-entry.js';
import { forgetCustomer, type JourneyForget } from '../feedback/forget-customer.js';
import type { ConsentState, CustomerEvent, CustomerEventType, TactStore } from '../store/store.js';
import { unary } from './decision-service.js';
import type { DecisionServiceHandlers } from './generated/tact/v1/DecisionService.js';
import type { RecordEventRequest__Output } from './generated/tact/v1/RecordEventRequest.js';
import type { SetConsentRequest__Output } from './generated/tact/v1/SetConsentRequest.js';
import { checkedName, LIMITS, requiredId, requiredName, toFeatures, toMillis } from './validate.js';
import { checkNumericBounds } from '../decision/request-checks.js';
import type { ReceiptEvent } from '../decision/log-entry.js';
import type { ReceiptInput, ReceiptJoiner, ReceiptResult } from '../feedback/receipts.js';
import { BUILT_IN_EVENTS, type JourneyEvent } from '../triggers/event.js';

export interface CustomerServiceDeps {
  readonly store: TactStore;
  readonly log: DecisionLogSink;
  readonly clock: Clock;
  /** Joins message events that carry a decision_id; absent: decision_id is ignored. */
  readonly receipts?: ReceiptJoiner;
  /** Every recorded event, after the store has it: the trigger rules (journeys). */
  readonly onEvent?: (event: JourneyEvent) => Promise<void>;
  /** After SetConsent: consent and time zone feed segment membership. */
  readonly onConsent?: (customerId: string) => Promise<void>;
  /** ForgetCustomer erases the customer's journeys too (trigger state, timers, queued sends). */
  readonly journeys?: JourneyForget;
  /** How far ahead of server time an event's `at` may be (config maxFutureSkewMs); default 5 minutes. */
  readonly maxFutureSkewMs?: number;
  /** Largest |numeric attribute| accepted (the widest policy bound: a profile feeds every policy); default unbounded. */
  readonly maxAbsFeature?: number;
}

export type CustomerHandlers = Pick<DecisionServiceHandlers, 'RecordEvent' | 'SetConsent' | 'ForgetCustomer'>;

/** RecordEvent, SetConsent and ForgetCustomer: thin mappings onto the customer store. */
export function customerServiceHandlers(deps: CustomerServiceDeps): CustomerHandlers {
  const { store, clock } = deps;
  return {
    RecordEvent: unary(clock, async (req: RecordEventRequest__Output) => {
      await recordEvent(deps, req);
      return {};
    }),
    SetConsent: unary(clock, async (req: SetConsentRequest__Output) => {
      const customerId = requiredId(req.customer_id, 'customer_id');
      // Reachability is a list: read it only when this call changes it. Two
      // concurrent calls changing one customer's list may lose one change.
      const changesReach = req.unreachable_channels.length + req.reachable_channels.length > 0;
      const before = changesReach ? (await store.loadCustomer(customerId, clock.now())).consent.unreachable : [];
      await store.setConsent(customerId, toConsentPatch(req, before));
      await deps.onConsent?.(customerId);
      return {};
    }),
    ForgetCustomer: unary(clock, async (req) => {
      const outcome = await forgetCustomer(deps, requiredId(req.customer_id, 'customer_id'));
      return { updates_removed: outcome.updatesRemoved, decisions_erased: outcome.decisionsErased };
    }),
  };
}

/**
 * One RecordEvent: the receipt joined to its decision (filling the message
 * the event is about), the customer store, then the trigger rules.
 */
export async function recordEvent(deps: CustomerServiceDeps, req: RecordEventRequest__Output): Promise<void> {
  const recorded = toRecordedEvent(req, deps.clock.now(), deps.maxFutureSkewMs);
  const attributes = recorded.journey.attributes;
  if (attributes && deps.maxAbsFeature !== undefined) checkNumericBounds(attributes, deps.maxAbsFeature, 'attributes');
  let event = recorded.event;
  if (recorded.receipt && deps.receipts) {
    const joined = await deps.receipts.join(recorded.receipt);
    event = event && withMessageOf(event, joined);
  }
  if (event) {
    if (needsMessage(event.type) && !event.messageId) {
      throw invalidArgument('message_id', `${req.type} needs the message it is about (or a known decision_id)`);
    }
    await deps.store.recordEvent(recorded.customerId, event);
  }
  await deps.onEvent?.(recorded.journey);
}

const EVENT_TYPES: Record<string, CustomerEventType> = {
  CART_ADD: 'cart_add',
  CART_REMOVE: 'cart_remove',
  PURCHASE: 'purchase',
  MESSAGE_DELIVERED: 'message_delivered',
  MESSAGE_OPENED: 'message_opened',
  MESSAGE_CLICKED: 'message_clicked',
  MESSAGE_IGNORED: 'message_ignored',
  UNSUBSCRIBE: 'unsubscribe',
  TICKET_OPENED: 'ticket_opened',
  TICKET_CLOSED: 'ticket_closed',
  PROFILE_UPDATE: 'profile_update',
};

/** Message events and the receipt each is. */
const RECEIPTS: Record<string, ReceiptEvent> = {
  MESSAGE_DELIVERED: 'delivered',
  MESSAGE_OPENED: 'opened',
  MESSAGE_CLICKED: 'clicked',
  MESSAGE_IGNORED: 'ignored',
  MESSAGE_BOUNCED: 'bounced',
};

const needsMessage = (type: CustomerEventType) =>
  type === 'message_opened' || type === 'message_clicked' || type === 'message_ignored';

/** One RecordEvent, split into what the store, the receipts and the trigger rules take. */
export interface RecordedEvent {
  readonly customerId: string;
  /** For the customer store; absent for CUSTOM and MESSAGE_BOUNCED, which change no customer state. */
  readonly event?: CustomerEvent;
  readonly receipt?: ReceiptInput;
  readonly journey: JourneyEvent;
}

/** Proto to domain, naming the field a type needs when it is missing. */
export function toRecordedEvent(req: RecordEventRequest__Output, now: number, maxFutureSkewMs?: number): RecordedEvent {
  const customerId = requiredId(req.customer_id, 'customer_id');
  const at = toMillis(req.at, 'at', now, maxFutureSkewMs);
  const type = EVENT_TYPES[req.type];
  if (!type && req.type !== 'CUSTOM' && req.type !== 'MESSAGE_BOUNCED') {
    throw invalidArgument('type', 'is required (CART_ADD, PURCHASE, CUSTOM, MESSAGE_OPENED, ...)');
  }
  const item = {
    ...(req.item_id ? { itemId: requiredId(req.item_id, 'item_id') } : {}),
    ...(req.category ? { category: requiredId(req.category, 'category') } : {}),
  };
  const attributes = req.attributes ? toFeatures(req.attributes, 'attributes') : undefined;
  const name = req.type === 'CUSTOM' ? customName(req.name) : (type ?? 'message_bounced');
  const receiptEvent = RECEIPTS[req.type];
  const receipt: ReceiptInput | undefined =
    receiptEvent && req.decision_id
      ? {
          decisionId: requiredId(req.decision_id, 'decision_id'),
          ...(req.action_id ? { actionId: requiredId(req.action_id, 'action_id') } : {}),
          event: receiptEvent,
          at,
        }
      : undefined;
  const journey: JourneyEvent = { customerId, name, at, ...item, ...(attributes ? { attributes } : {}) };
  if (!type) return { customerId, journey, ...(receipt ? { receipt } : {}) };
  const event: CustomerEvent = {
    type,
    at,
    ...item,
    ...(req.message_id ? { messageId: requiredId(req.message_id, 'message_id') } : {}),
    ...(req.channel ? { channel: requiredName(req.channel, 'channel') } : {}),
    ...(attributes ? { attributes } : {}),
  };
  if ((type === 'cart_add' || type === 'cart_remove') && !event.itemId && !event.category) {
    throw invalidArgument('item_id', `${req.type} needs item_id or category`);
  }
  if (needsMessage(type) && !event.messageId && !receipt) {
    throw invalidArgument('message_id', `${req.type} needs the message it is about (message_id or decision_id)`);
  }
  if (type === 'profile_update' && !req.attributes) throw invalidArgument('attributes', 'PROFILE_UPDATE needs attributes');
  return { customerId, event, journey, ...(receipt ? { receipt } : {}) };
}

const EVENT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function customName(name: string): string {
  if (!name) throw invalidArgument('name', 'CUSTOM needs the event name (e.g. "order_shipped")');
  if (!EVENT_NAME.test(name)) throw invalidArgument('name', 'use letters, digits, "_", "-" and "." (at most 128)');
  if (BUILT_IN_EVENTS.includes(name)) throw invalidArgument('name', `"${name}" is a built-in type: send it as that type`);
  return name;
}

/** A receipt joined to its decision tells which message and channel the event is about when the caller did not. */
function withMessageOf(event: CustomerEvent, joined: ReceiptResult): CustomerEvent {
  const choice = joined.record?.choices.find((c) => c.actionId === joined.actionId);
  if (!choice) return event;
  return {
    ...event,
    ...(event.messageId || !choice.messageId ? {} : { messageId: choice.messageId }),
    ...(event.channel || !choice.channel ? {} : { channel: choice.channel }),
  };
}

/** A patch: only what the request sets changes (proto3 `optional` tells an unset opt_out from false). */
export function toConsentPatch(req: SetConsentRequest__Output, unreachableBefore: readonly string[]): Partial<ConsentState> {
  const channels = Object.keys(req.channels);
  if (channels.length > LIMITS.consentChannels) throw tactError('TOO_LONG', `more than ${LIMITS.consentChannels} channels`, 'channels');
  for (const channel of channels) {
    if (!channel) throw invalidArgument('channels', 'channel names must not be empty');
    if (channel.length > LIMITS.nameLength) throw tactError('TOO_LONG', `a channel name is longer than ${LIMITS.nameLength} characters (${quote(channel)})`, 'channels');
    checkedName(channel, 'channels');
  }
  for (const list of ['unreachable_channels', 'reachable_channels'] as const) {
    if (req[list].length > LIMITS.consentChannels) throw tactError('TOO_LONG', `more than ${LIMITS.consentChannels} channels`, list);
  }
  if (req.time_zone.length > LIMITS.timeZoneLength) throw tactError('TOO_LONG', `longer than ${LIMITS.timeZoneLength} characters`, 'time_zone');
  if (req.time_zone && !isValidTimeZone(req.time_zone)) {
    throw invalidArgument('time_zone', `unknown IANA time zone ${quote(req.time_zone)}`);
  }
  const unreachable = new Set(unreachableBefore);
  req.unreachable_channels.forEach((c, i) => unreachable.add(requiredName(c, `unreachable_channels[${i}]`)));
  req.reachable_channels.forEach((c, i) => unreachable.delete(requiredName(c, `reachable_channels[${i}]`)));
  const changesReach = req.unreachable_channels.length + req.reachable_channels.length > 0;
  return {
    ...(Object.keys(req.channels).length > 0 ? { channels: { ...req.channels } } : {}),
    ...(req._opt_out === 'opt_out' ? { optOut: req.opt_out === true } : {}),
    ...(req.preferred_channel ? { preferredChannel: requiredName(req.preferred_channel, 'preferred_channel') } : {}),
    ...(req.time_zone ? { timeZone: req.time_zone } : {}),
    ...(changesReach ? { unreachable: [...unreachable] } : {}),
  };
}
