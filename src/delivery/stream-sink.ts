import type { Clock } from '../core/clock.js';
import { messageBody, type DeliverySink, type OutboundMessage } from './outbound.js';

/** The one Redis command the stream sink needs (ioredis' xadd fits). */
export interface StreamAppend {
  xadd(key: string, ...args: (string | number)[]): Promise<unknown>;
}

/**
 * For in-house dispatchers: each due send is appended to a Redis Stream as
 * {id, channel, body}; consumers read it with XREADGROUP and deduplicate by
 * `id` (the same id a webhook would carry). Trimmed approximately to
 * `maxLen` so a stopped consumer cannot fill Redis.
 */
export class RedisStreamSink implements DeliverySink {
  readonly kind = 'stream';
  constructor(
    private readonly redis: StreamAppend,
    private readonly stream: string,
    private readonly clock: Clock,
    private readonly maxLen = 1_000_000,
  ) {}

  async send(message: OutboundMessage): Promise<void> {
    const body = messageBody(message, this.clock.now());
    await this.redis.xadd(this.stream, 'MAXLEN', '~', this.maxLen, '*', 'id', message.id, 'channel', message.channel, 'body', body);
  }
}
