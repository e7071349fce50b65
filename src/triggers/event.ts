import type { Features } from '../domain/features.js';

/**
 * A customer's event as trigger rules see it: a built-in RecordEvent type in
 * snake case (cart_add, purchase, message_opened, ...) or a CUSTOM event's
 * own name (order_shipped, app_open, page_view).
 */
export interface JourneyEvent {
  readonly customerId: string;
  readonly name: string;
  /** The event's own time (ms since epoch): timers count from it, so backdated events work. */
  readonly at: number;
  readonly itemId?: string;
  readonly category?: string;
  /** CUSTOM events' attributes: the trigger's decision sees them as context. */
  readonly attributes?: Features;
}

/** Names of the built-in event types: a CUSTOM event must not reuse one. */
export const BUILT_IN_EVENTS: readonly string[] = [
  'cart_add',
  'cart_remove',
  'purchase',
  'message_delivered',
  'message_opened',
  'message_clicked',
  'message_ignored',
  'message_bounced',
  'unsubscribe',
  'ticket_opened',
  'ticket_closed',
  'profile_update',
];
