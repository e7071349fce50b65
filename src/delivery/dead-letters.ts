import type { DeadLetter, JobQueue } from '../jobs/job-queue.js';

/** A failed send with the channel whose queue holds it. */
export type ChannelDeadLetter<T> = DeadLetter<T> & { readonly channel: string };

/**
 * The dead-letter list across every channel's queue: what the server's
 * Delivery and the `tact dead-letters` command both read and replay, so the
 * operator sees exactly what the replicas would.
 */
export class DeadLetters<T> {
  constructor(
    private readonly channels: () => readonly string[],
    private readonly queue: (channel: string) => JobQueue<T>,
  ) {}

  async list(limit = 100): Promise<ChannelDeadLetter<T>[]> {
    const out: ChannelDeadLetter<T>[] = [];
    for (const channel of this.channels()) {
      for (const d of await this.queue(channel).deadLetters(limit)) out.push({ ...d, channel });
    }
    return out.slice(0, limit);
  }

  /** Send a dead letter again, from its first attempt, with the same webhook-id; false when no channel holds it. */
  async replay(id: string): Promise<boolean> {
    for (const channel of this.channels()) {
      if (await this.queue(channel).replay(id)) return true;
    }
    return false;
  }
}
