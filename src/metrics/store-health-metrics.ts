import { Counter, Gauge, type Registry } from 'prom-client';

/** What the metrics read about the store's health at scrape time; none of it touches the store. */
export interface StoreHealthSource {
  /** Whether the store answers right now (memory: always). */
  up(): boolean;
  /** Why marketing sends are stopped fleet-wide (Redis lost data), if they are. */
  sendsStopped?(): string | undefined;
  /** Data losses this replica detected. */
  dataLossDetections?(): number;
  /** Entries the store dropped to stay within its memory bounds, by kind (memory store). */
  evictions?(): Readonly<Record<string, number>>;
}

/** Every eviction kind, so a bound that never bit reads 0 rather than being absent. */
const EVICTION_KINDS = ['customer', 'decision', 'ledger'] as const;

/** Every reason label the stop gauge reports, so a resumed stop reads 0 rather than vanishing. */
const STOP_REASONS = ['redis_data_lost', 'redis_unverified'] as const;

/**
 * Store health as gauges computed from in-process state only, so `/metrics`
 * answers while the store is down and the alert on `tact_store_up == 0` can fire.
 */
export function defineStoreHealthMetrics(registry: Registry, prefix: string, source: StoreHealthSource): void {
  new Gauge({
    name: `${prefix}store_up`,
    help: '1 while the state store (Redis) is reachable, 0 while it is down; memory mode is always 1.',
    registers: [registry],
    collect() {
      this.set(source.up() ? 1 : 0);
    },
  });
  new Gauge({
    name: `${prefix}marketing_sends_stopped`,
    help: '1 while marketing sends are stopped fleet-wide, by reason: redis_data_lost (until `tact confirm-data-loss`), redis_unverified (reconnected, marker not yet checked).',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      const now = source.sendsStopped?.();
      for (const reason of STOP_REASONS) this.set({ reason }, now === reason ? 1 : 0);
    },
  });
  new Gauge({
    name: `${prefix}store_data_loss_detected`,
    help: 'Data losses of the store (a vanished or changed fleet marker) this replica detected since start.',
    registers: [registry],
    collect() {
      this.set(source.dataLossDetections?.() ?? 0);
    },
  });
  new Counter({
    name: `${prefix}store_evictions_total`,
    help: 'Entries the memory store dropped to stay within its bounds: customer (idle or beyond --memory-max-customers; refusals kept), decision (closed early beyond memoryMaxDecisions, default reward), ledger (a customer ledger beyond the customer cap: forget no longer reaches it).',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      const counts = source.evictions?.() ?? {};
      this.reset();
      for (const kind of EVICTION_KINDS) this.inc({ kind }, counts[kind] ?? 0);
    },
  });
}
