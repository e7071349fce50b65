import type { Clock } from '../core/clock.js';
import { messageBody, type DeliverySink, type OutboundMessage } from './outbound.js';
import { sign } from './signature.js';

/** The one HTTP call the webhook sink needs, injected so tests need no network. */
export interface HttpPost {
  post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<{ status: number }>;
}

export const fetchHttp: HttpPost = {
  async post(url, headers, body, timeoutMs) {
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    // Drain the body so the connection is reused.
    await res.arrayBuffer().catch(() => undefined);
    return { status: res.status };
  },
};

/** A failed attempt; the queue retries it. */
export class DeliveryAttemptError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DeliveryAttemptError';
  }
}

export interface WebhookSinkOptions {
  readonly url: string;
  /** Decoded `whsec_` key; absent: unsigned (logged once at start-up as a warning). */
  readonly key?: Buffer;
  readonly timeoutMs: number;
}

/**
 * Standard Webhooks sender: a POST of the JSON body with `webhook-id` (the
 * same on every retry), `webhook-timestamp` (seconds, this attempt) and
 * `webhook-signature`. Any 2xx is delivered; anything else, a timeout or a
 * network error is a failed attempt.
 */
export class WebhookSink implements DeliverySink {
  readonly kind = 'webhook';
  constructor(
    private readonly options: WebhookSinkOptions,
    private readonly http: HttpPost,
    private readonly clock: Clock,
  ) {}

  async send(message: OutboundMessage): Promise<void> {
    const now = this.clock.now();
    const timestamp = Math.floor(now / 1000);
    const body = messageBody(message, now);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'tact-webhooks',
      'webhook-id': message.id,
      'webhook-timestamp': String(timestamp),
    };
    if (this.options.key) headers['webhook-signature'] = sign(this.options.key, message.id, timestamp, body);
    let status: number;
    try {
      ({ status } = await this.http.post(this.options.url, headers, body, this.options.timeoutMs));
    } catch (err) {
      throw new DeliveryAttemptError(`POST ${this.options.url}: ${(err as Error).message}`);
    }
    if (status < 200 || status >= 300) throw new DeliveryAttemptError(`POST ${this.options.url}: HTTP ${status}`, status);
  }
}
