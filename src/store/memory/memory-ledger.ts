import { encodeLedgerEntry, ledgerEntryTime, updatesToUnlearn, type LedgerPolicy } from '../ledger.js';
import type { LearningUpdate } from '../store.js';

/** Customers whose aged entries one publish looks at: amortised O(1) per publish, and still ahead of the inflow. */
const SWEEP_PER_PUSH = 4;

/**
 * The memory store's learning ledger under the ledger policy (see ledger.ts
 * for what forget then removes). Entries are encoded strings; the map is kept
 * in order of each customer's latest entry (re-inserted on every push), so the
 * customers whose whole ledger aged out are always at its head, and so is the
 * least recently rewarded customer when the customer cap evicts.
 */
export class MemoryLedger {
  private readonly entries = new Map<string, string[]>();

  constructor(
    private readonly policy: LedgerPolicy,
    private readonly maxCustomers: number,
    private readonly onEvict: () => void,
  ) {}

  push(update: LearningUpdate, now: number): void {
    const id = update.customerId;
    const list = this.entries.get(id) ?? [];
    this.entries.delete(id);
    list.push(encodeLedgerEntry(update, now));
    const cutoff = now - this.policy.retentionMs;
    let drop = Math.max(0, list.length - this.policy.maxPerCustomer);
    while (drop < list.length && ledgerEntryTime(list[drop] as string) < cutoff) drop++;
    this.entries.set(id, drop > 0 ? list.slice(drop) : list);
    this.sweep(cutoff);
  }

  /** Remove the customer's ledger and return what is left to unlearn. */
  take(customerId: string, now: number): LearningUpdate[] {
    const list = this.entries.get(customerId);
    this.entries.delete(customerId);
    return list ? updatesToUnlearn(customerId, list, this.policy, now) : [];
  }

  get customers(): number {
    return this.entries.size;
  }

  customerIds(): string[] {
    return [...this.entries.keys()];
  }

  /** Entries held for one customer (tests check the bound). */
  entriesOf(customerId: string): number {
    return this.entries.get(customerId)?.length ?? 0;
  }

  private sweep(cutoff: number): void {
    for (let i = 0; i < SWEEP_PER_PUSH; i++) {
      const head = this.entries.entries().next();
      if (head.done) return;
      const [id, list] = head.value;
      const overCap = this.entries.size > this.maxCustomers;
      // The head's newest entry is its customer's latest: older than retention means all of it is.
      if (!overCap && !(ledgerEntryTime(list[list.length - 1] as string) < cutoff)) return;
      this.entries.delete(id);
      if (overCap) this.onEvict();
    }
  }
}
