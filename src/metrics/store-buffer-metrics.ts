import { Counter, Gauge, type Registry } from 'prom-client';
import type { BufferStats } from '../store/redis/buffer.js';

/**
 * What happened while Redis was unreachable, from the outage buffer's own
 * counts, read at scrape time: writes buffered, replayed, refused (the
 * caller got UNAVAILABLE, or the write is lost) and failed on replay; caps
 * decided locally or failed closed; outages seen. An SRE can tell from these
 * alone whether anything was lost.
 */
export function defineStoreBufferMetrics(registry: Registry, prefix: string, stats: () => BufferStats | undefined): void {
  const registers = [registry];
  const perKind = (name: string, help: string, pick: (s: BufferStats) => Record<string, number>): void => {
    new Counter({
      name: `${prefix}store_buffer_${name}_total`,
      help,
      labelNames: ['kind'] as const,
      registers,
      collect() {
        const s = stats();
        if (!s) return;
        this.reset();
        for (const [kind, n] of Object.entries(pick(s))) this.inc({ kind }, n);
      },
    });
  };
  perKind('buffered', 'Writes queued while Redis was down, by kind.', (s) => s.buffered);
  perKind('flushed', 'Queued writes replayed to Redis after it returned, by kind.', (s) => s.flushed);
  perKind('refused', 'Writes refused because the outage buffer was full, by kind (never silent: also logged).', (s) => s.refused);
  perKind('failed', 'Queued writes Redis rejected on replay, by kind (logged).', (s) => s.failed);
  perKind('late_joins', 'Buffered rewards by their join status when finally joined.', (s) => s.lateJoins);
  const single = (name: string, help: string, pick: (s: BufferStats) => number): void => {
    new Counter({
      name: `${prefix}${name}_total`,
      help,
      registers,
      collect() {
        const s = stats();
        if (!s) return;
        this.reset();
        this.inc(pick(s));
      },
    });
  };
  single('store_outages', 'Times the store became unreachable.', (s) => s.outages);
  single('caps_failed_closed', 'Sends refused during an outage on fail-closed channels.', (s) => s.capsFailedClosed);
  single('caps_local', 'Sends allowed during an outage on local counts (fail-open channels).', (s) => s.capsLocal);
  single('store_rewards_unheld', 'Rewards refused UNAVAILABLE during an outage: this replica holds no copy of their decision.', (s) => s.rewardsUnheld);
  single('store_rewards_deferred', 'Rewards of decisions not yet in Redis soon after an outage, refused UNAVAILABLE to be retried.', (s) => s.rewardsDeferred);
  single('store_degraded_reads', 'Customer-state reads answered empty during an outage.', (s) => s.degradedReads);
  new Gauge({
    name: `${prefix}store_buffer_pending`,
    help: 'Writes waiting in the outage buffer.',
    registers,
    collect() {
      const s = stats();
      if (s) this.set(s.pending);
    },
  });
}
