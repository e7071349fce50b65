import type { Clock } from '../core/clock.js';
import { invalidArgument } from '../core/errors.js';
import { isValidTimeZone } from '../catalog/time.js';
import type { DecisionLogSink } from '../decision/log-entry.js';
import { forgetCustomer } from '../feedback/forget-customer.js';
import type { ConsentState, CustomerEvent, CustomerEventType, TactStore } from '../store/store.js';
import { unary } from './decision-service.js';
import type { DecisionServiceHandlers } from './generated/tact/v1/DecisionService.js';
import type { RecordEventRequest__Output } from './generated/tact/v1/RecordEventRequest.js';
import type { SetConsentRequest__Output } from './generated/tact/v1/SetConsentRequest.js';
import { requiredId, toFeatures, toMillis } from './validate.js';

export interface CustomerServiceDeps {
  readonly store: TactStore;
  readonly log: DecisionLogSink;
  readonly clock: Clock;
}

export type CustomerHandlers = Pick<DecisionServiceHandlers, 'RecordEvent' | 'SetConsent' | 'ForgetCustomer'>;

/** RecordEvent, SetConsent and ForgetCustomer: thin mappings onto the customer store. */
export function customerServiceHandlers(deps: CustomerServiceDeps): CustomerHandlers {
  const { store, clock } = deps;
  return {
    RecordEvent: unary(clock, async (req: RecordEventRequest__Output) => {
      const { customerId, event } = toCustomerEvent(req, clock.now());
      await store.recordEvent(customerId, event);
      return {};
    }),
    SetConsent: unary(clock, async (req: SetConsentRequest__Output) => {
      const customerId = requiredId(req.customer_id, 'customer_id');
      // Reachability is a list: read it only when this call changes it. Two
      // concurrent calls changing one customer's list may lose one change.
      const changesReach = req.unreachable_channels.length + req.reachable_channels.length > 0;
      const before = changesReach ? (await store.loadCustomer(customerId, clock.now())).consent.unreachable : [];
      await store.setConsent(customerId, toConsentPatch(req, before));
      return {};
    }),
    ForgetCustomer: unary(clock, async (req) => {
      const outcome = await forgetCustomer(deps, requiredId(req.customer_id, 'customer_id'));
      return { updates_removed: outcome.updatesRemoved, decisions_erased: outcome.decisionsErased };
    }),
  };
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

/** Proto to domain event, naming the field a type needs when it is missing. */
export function toCustomerEvent(req: RecordEventRequest__Output, now: number): { customerId: string; event: CustomerEvent } {
  const customerId = requiredId(req.customer_id, 'customer_id');
  const type = EVENT_TYPES[req.type];
  if (!type) throw invalidArgument('type', 'is required (CART_ADD, PURCHASE, MESSAGE_IGNORED, ...)');
  const event: CustomerEvent = {
    type,
    at: toMillis(req.at, 'at', now),
    ...(req.item_id ? { itemId: requiredId(req.item_id, 'item_id') } : {}),
    ...(req.category ? { category: requiredId(req.category, 'category') } : {}),
    ...(req.message_id ? { messageId: requiredId(req.message_id, 'message_id') } : {}),
    ...(req.channel ? { channel: requiredId(req.channel, 'channel') } : {}),
    ...(req.attributes ? { attributes: toFeatures(req.attributes, 'attributes') } : {}),
  };
  if ((type === 'cart_add' || type === 'cart_remove') && !event.itemId && !event.category) {
    throw invalidArgument('item_id', `${req.type} needs item_id or category`);
  }
  if ((type === 'message_opened' || type === 'message_clicked' || type === 'message_ignored') && !event.messageId) {
    throw invalidArgument('message_id', `${req.type} needs the message it is about`);
  }
  if (type === 'profile_update' && !req.attributes) throw invalidArgument('attributes', 'PROFILE_UPDATE needs attributes');
  return { customerId, event };
}

/** A patch: only what the request sets changes (proto3 `optional` tells an unset opt_out from false). */
export function toConsentPatch(req: SetConsentRequest__Output, unreachableBefore: readonly string[]): Partial<ConsentState> {
  for (const channel of Object.keys(req.channels)) {
    if (!channel) throw invalidArgument('channels', 'channel names must not be empty');
  }
  if (req.time_zone && !isValidTimeZone(req.time_zone)) {
    throw invalidArgument('time_zone', `unknown IANA time zone "${req.time_zone}"`);
  }
  const unreachable = new Set(unreachableBefore);
  req.unreachable_channels.forEach((c, i) => unreachable.add(requiredId(c, `unreachable_channels[${i}]`)));
  req.reachable_channels.forEach((c, i) => unreachable.delete(requiredId(c, `reachable_channels[${i}]`)));
  const changesReach = req.unreachable_channels.length + req.reachable_channels.length > 0;
  return {
    ...(Object.keys(req.channels).length > 0 ? { channels: { ...req.channels } } : {}),
    ...(req._opt_out === 'opt_out' ? { optOut: req.opt_out === true } : {}),
    ...(req.preferred_channel ? { preferredChannel: requiredId(req.preferred_channel, 'preferred_channel') } : {}),
    ...(req.time_zone ? { timeZone: req.time_zone } : {}),
    ...(changesReach ? { unreachable: [...unreachable] } : {}),
  };
}
