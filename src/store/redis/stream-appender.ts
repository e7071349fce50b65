import { tactError } from '../../core/errors.js';
import type { RedisClient } from './client.js';

interface Pending {
  readonly fields: readonly string[];
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Appends to the update stream with WAIT, in groups: the entries published
 * while the previous group is on its way leave together as XADD x n + one
 * WAIT. WAIT blocks its connection on the node until replicas hold every
 * earlier write, so one WAIT per Reward stalled every command to the
 * stream's master behind each other at 16 rewards in flight; one per group
 * gives each entry the same guarantee (WAIT covers all earlier writes of
 * the connection) at a fraction of the stall. Without replicas to wait for,
 * a plain XADD needs none of this (auto-pipelining batches it).
 */
export class StreamAppender {
  private queue: Pending[] = [];
  private sending = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly replicas: number,
    private readonly waitMs: number,
  ) {}

  /** Resolves once the entry is in Redis and replicas acknowledged it or `waitMs` passed. */
  append(fields: readonly string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ fields, resolve, reject });
      if (!this.sending) {
        this.sending = true;
        // Entries published in this event-loop turn join the first group.
        setImmediate(() => void this.sendGroups());
      }
    });
  }

  private async sendGroups(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      const p = this.redis.pipeline();
      for (const entry of group) p.xadd(this.key, '*', ...entry.fields);
      p.wait(this.replicas, this.waitMs);
      try {
        const replies = (await p.exec()) ?? [];
        group.forEach((entry, i) => {
          const err = replies[i]?.[0];
          if (replies[i] === undefined) entry.reject(tactError('STORE_PROTOCOL', 'pipeline was discarded'));
          else if (err) entry.reject(err);
          else entry.resolve();
        });
      } catch (err) {
        for (const entry of group) entry.reject(err);
      }
    }
    this.sending = false;
  }
}
