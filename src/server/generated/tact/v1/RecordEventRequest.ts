// Original file: proto/tact/v1/tact.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Features as _tact_v1_Features, Features__Output as _tact_v1_Features__Output } from '../../tact/v1/Features.js';

// Original file: proto/tact/v1/tact.proto

export const _tact_v1_RecordEventRequest_Type = {
  TYPE_UNSPECIFIED: 'TYPE_UNSPECIFIED',
  CART_ADD: 'CART_ADD',
  CART_REMOVE: 'CART_REMOVE',
  PURCHASE: 'PURCHASE',
  /**
   * Informational: Tact counts its own sends against the frequency caps
   * when it decides them, so a delivery report does not count twice.
   */
  MESSAGE_DELIVERED: 'MESSAGE_DELIVERED',
  MESSAGE_OPENED: 'MESSAGE_OPENED',
  MESSAGE_CLICKED: 'MESSAGE_CLICKED',
  MESSAGE_IGNORED: 'MESSAGE_IGNORED',
  UNSUBSCRIBE: 'UNSUBSCRIBE',
  TICKET_OPENED: 'TICKET_OPENED',
  TICKET_CLOSED: 'TICKET_CLOSED',
  /**
   * Profile attribute update: attributes are merged into the profile.
   */
  PROFILE_UPDATE: 'PROFILE_UPDATE',
  /**
   * Any business event, named by `name` (order_shipped, page_view,
   * app_open) with optional attributes. Drives catalog trigger rules; it
   * does not change the profile.
   */
  CUSTOM: 'CUSTOM',
  /**
   * The message could not be delivered (hard bounce, invalid token).
   * A delivery receipt like DELIVERED: give decision_id.
   */
  MESSAGE_BOUNCED: 'MESSAGE_BOUNCED',
} as const;

export type _tact_v1_RecordEventRequest_Type =
  | 'TYPE_UNSPECIFIED'
  | 0
  | 'CART_ADD'
  | 1
  | 'CART_REMOVE'
  | 2
  | 'PURCHASE'
  | 3
  /**
   * Informational: Tact counts its own sends against the frequency caps
   * when it decides them, so a delivery report does not count twice.
   */
  | 'MESSAGE_DELIVERED'
  | 4
  | 'MESSAGE_OPENED'
  | 5
  | 'MESSAGE_CLICKED'
  | 6
  | 'MESSAGE_IGNORED'
  | 7
  | 'UNSUBSCRIBE'
  | 8
  | 'TICKET_OPENED'
  | 9
  | 'TICKET_CLOSED'
  | 10
  /**
   * Profile attribute update: attributes are merged into the profile.
   */
  | 'PROFILE_UPDATE'
  | 11
  /**
   * Any business event, named by `name` (order_shipped, page_view,
   * app_open) with optional attributes. Drives catalog trigger rules; it
   * does not change the profile.
   */
  | 'CUSTOM'
  | 12
  /**
   * The message could not be delivered (hard bounce, invalid token).
   * A delivery receipt like DELIVERED: give decision_id.
   */
  | 'MESSAGE_BOUNCED'
  | 13

export type _tact_v1_RecordEventRequest_Type__Output = typeof _tact_v1_RecordEventRequest_Type[keyof typeof _tact_v1_RecordEventRequest_Type]

export interface RecordEventRequest {
  /**
   * Required.
   */
  'customer_id'?: (string);
  /**
   * Required.
   */
  'type'?: (_tact_v1_RecordEventRequest_Type);
  /**
   * Item the event is about (cart, purchase). CART_ADD and CART_REMOVE need
   * item_id or category; a PURCHASE with neither checks out the whole cart.
   */
  'item_id'?: (string);
  /**
   * Category of the item (cart, purchase), for category suppression.
   */
  'category'?: (string);
  /**
   * Message the event is about: required for OPENED, CLICKED and IGNORED
   * (fatigue counts ignores per message; an open or click resets them).
   */
  'message_id'?: (string);
  /**
   * Channel the event is about (message events). UNSUBSCRIBE with a channel
   * refuses that channel; without one it opts out of all marketing.
   */
  'channel'?: (string);
  /**
   * Event time; default now.
   */
  'at'?: (_google_protobuf_Timestamp | null);
  /**
   * Profile attributes to merge (PROFILE_UPDATE, required there); merged into
   * every later decision's context as features. CUSTOM: the event's own
   * attributes, passed to a trigger's decision as context (not stored).
   */
  'attributes'?: (_tact_v1_Features | null);
  /**
   * CUSTOM only, required there: the event's name, e.g. "order_shipped".
   * Letters, digits, "_", "-", "."; must not be a built-in type's name
   * (cart_add, purchase, ...). Trigger rules in the catalog match it.
   */
  'name'?: (string);
  /**
   * Message events (DELIVERED, OPENED, CLICKED, IGNORED, BOUNCED): the
   * decision the message came from (the webhook body's decision_id). The
   * receipt is joined to that decision: written to the decision log as an
   * outcome of its action, for funnel learning and evaluation. Unknown or
   * expired ids are counted, not rejected (receipts arrive late).
   */
  'decision_id'?: (string);
  /**
   * Message events with decision_id: which choice of the decision; empty
   * means the first.
   */
  'action_id'?: (string);
}

export interface RecordEventRequest__Output {
  /**
   * Required.
   */
  'customer_id': (string);
  /**
   * Required.
   */
  'type': (_tact_v1_RecordEventRequest_Type__Output);
  /**
   * Item the event is about (cart, purchase). CART_ADD and CART_REMOVE need
   * item_id or category; a PURCHASE with neither checks out the whole cart.
   */
  'item_id': (string);
  /**
   * Category of the item (cart, purchase), for category suppression.
   */
  'category': (string);
  /**
   * Message the event is about: required for OPENED, CLICKED and IGNORED
   * (fatigue counts ignores per message; an open or click resets them).
   */
  'message_id': (string);
  /**
   * Channel the event is about (message events). UNSUBSCRIBE with a channel
   * refuses that channel; without one it opts out of all marketing.
   */
  'channel': (string);
  /**
   * Event time; default now.
   */
  'at': (_google_protobuf_Timestamp__Output | null);
  /**
   * Profile attributes to merge (PROFILE_UPDATE, required there); merged into
   * every later decision's context as features. CUSTOM: the event's own
   * attributes, passed to a trigger's decision as context (not stored).
   */
  'attributes': (_tact_v1_Features__Output | null);
  /**
   * CUSTOM only, required there: the event's name, e.g. "order_shipped".
   * Letters, digits, "_", "-", "."; must not be a built-in type's name
   * (cart_add, purchase, ...). Trigger rules in the catalog match it.
   */
  'name': (string);
  /**
   * Message events (DELIVERED, OPENED, CLICKED, IGNORED, BOUNCED): the
   * decision the message came from (the webhook body's decision_id). The
   * receipt is joined to that decision: written to the decision log as an
   * outcome of its action, for funnel learning and evaluation. Unknown or
   * expired ids are counted, not rejected (receipts arrive late).
   */
  'decision_id': (string);
  /**
   * Message events with decision_id: which choice of the decision; empty
   * means the first.
   */
  'action_id': (string);
}
