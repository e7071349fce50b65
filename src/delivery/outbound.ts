import type { Features } from '../domain/features.js';

/**
 * One send handed to a sink: the webhook body's `data` and the stream
 * entry's fields. Receivers join their receipts with `decision_id` (and
 * `action_id`) on RecordEvent.
 */
export interface OutboundMessage {
  /** Stable across retries and replays: the Standard Webhooks `webhook-id`, receivers deduplicate by it. */
  readonly id: string;
  readonly decisionId: string;
  readonly customerId: string;
  readonly trigger: string;
  readonly actionId: string;
  readonly messageId: string;
  readonly channel: string;
  readonly sendSlot: string;
  /** ms since epoch. */
  readonly sendAt: number;
  /** The message's features as the policy saw them (category, value, discount, ...). */
  readonly features: Features;
  /** The trigger's context (cart item, shipped order). */
  readonly context: Features;
}

/** The JSON body every sink carries, in the Standard Webhooks envelope ({type, timestamp, data}). */
export function messageBody(m: OutboundMessage, now: number): string {
  return JSON.stringify({
    type: 'message.send',
    timestamp: new Date(now).toISOString(),
    data: {
      decision_id: m.decisionId,
      customer_id: m.customerId,
      trigger: m.trigger,
      action_id: m.actionId,
      message_id: m.messageId,
      channel: m.channel,
      send_slot: m.sendSlot,
      send_at: new Date(m.sendAt).toISOString(),
      features: m.features,
      context: m.context,
    },
  });
}

/** Where a due send goes. A throw is a failed attempt: the queue retries with backoff, then dead-letters. */
export interface DeliverySink {
  /** Metric label and log field: "webhook", "stream" or "log". */
  readonly kind: string;
  send(message: OutboundMessage): Promise<void>;
}
