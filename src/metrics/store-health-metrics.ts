import { Gauge, type Registry } from 'prom-client';

/** What the metrics read about the store's health at scrape time; none of it touches the store. */
export interface StoreHealthSource {
  /** Whether the store answers right now (memory: always). */
  up(): boolean;
}

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
}
