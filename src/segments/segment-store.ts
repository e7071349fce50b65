import { MinHeap } from '../core/min-heap.js';
import { NO_FACTS, type SegmentFacts } from './facts.js';

/**
 * Segment state behind one interface: each customer's facts (changed
 * atomically), the member index per segment (count, paged list), and the
 * times at which a customer's membership may change with no event. Memory
 * and Redis adapters pass one conformance suite (test/segments/store.test.ts).
 */
export interface SegmentStore {
  /**
   * Change one customer's facts atomically: `change` gets the current facts
   * and returns the new ones. It may run more than once (Redis retries on a
   * concurrent change), so it must be pure.
   */
  update(customerId: string, change: (facts: SegmentFacts) => SegmentFacts): Promise<{ before: SegmentFacts; after: SegmentFacts }>;
  /** The index after a change: entered and left segments, and the next time check (undefined: none). */
  index(customerId: string, entered: readonly string[], left: readonly string[], nextCheck: number | undefined): Promise<void>;
  /** Customers whose next check is due by `now`, at most `limit`. */
  due(now: number, limit: number): Promise<string[]>;
  count(segmentId: string): Promise<number>;
  /** Members in id order after `after` ("" for the first page), at most `limit`. */
  list(segmentId: string, after: string, limit: number): Promise<string[]>;
  /** ForgetCustomer: facts, index entries and check time, gone. */
  forget(customerId: string, segmentIds: readonly string[]): Promise<void>;
}

/** A due customer whose re-evaluation failed is tried again this much later. */
const RETRY_MS = 60_000;

/** One process's segment state. Concurrent updates of a customer cannot interleave: `change` is synchronous. */
export class MemorySegmentStore implements SegmentStore {
  private readonly facts = new Map<string, SegmentFacts>();
  private readonly members = new Map<string, Set<string>>();
  /** Sorted lazily: listing is rare beside updates. */
  private readonly sorted = new Map<string, string[]>();
  private readonly checks = new Map<string, number>();
  /**
   * The checks by time, so a sweep reads only what is due. Entries go stale
   * when a customer's check moves (they are skipped when popped); the heap
   * is rebuilt from `checks` when stale entries outnumber live ones.
   */
  private heap = new MinHeap<{ id: string; at: number }>();

  async update(customerId: string, change: (facts: SegmentFacts) => SegmentFacts): Promise<{ before: SegmentFacts; after: SegmentFacts }> {
    const before = this.facts.get(customerId) ?? NO_FACTS;
    const after = change(before);
    this.facts.set(customerId, after);
    return { before, after };
  }

  async index(customerId: string, entered: readonly string[], left: readonly string[], nextCheck: number | undefined): Promise<void> {
    for (const id of entered) {
      let set = this.members.get(id);
      if (!set) this.members.set(id, (set = new Set()));
      set.add(customerId);
      this.sorted.delete(id);
    }
    for (const id of left) {
      this.members.get(id)?.delete(customerId);
      this.sorted.delete(id);
    }
    if (nextCheck === undefined) this.checks.delete(customerId);
    else {
      this.checks.set(customerId, nextCheck);
      this.heap.push(nextCheck, { id: customerId, at: nextCheck });
    }
    if (this.heap.size > 2 * this.checks.size + 1024) {
      this.heap = new MinHeap();
      for (const [id, at] of this.checks) this.heap.push(at, { id, at });
    }
  }

  async due(now: number, limit: number): Promise<string[]> {
    const out: string[] = [];
    while (out.length < limit && (this.heap.peekKey() ?? Infinity) <= now) {
      const e = this.heap.pop() as { id: string; at: number };
      if (this.checks.get(e.id) !== e.at) continue;
      out.push(e.id);
      // Until the caller's re-evaluation files a new check: a retry a minute on, should it fail.
      this.checks.set(e.id, now + RETRY_MS);
      this.heap.push(now + RETRY_MS, { id: e.id, at: now + RETRY_MS });
    }
    return out;
  }

  async count(segmentId: string): Promise<number> {
    return this.members.get(segmentId)?.size ?? 0;
  }

  async list(segmentId: string, after: string, limit: number): Promise<string[]> {
    let ids = this.sorted.get(segmentId);
    if (!ids) {
      ids = [...(this.members.get(segmentId) ?? [])].sort();
      this.sorted.set(segmentId, ids);
    }
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((ids[mid] as string) <= after) lo = mid + 1;
      else hi = mid;
    }
    return ids.slice(lo, lo + limit);
  }

  async forget(customerId: string, segmentIds: readonly string[]): Promise<void> {
    this.facts.delete(customerId);
    this.checks.delete(customerId);
    for (const id of segmentIds) {
      if (this.members.get(id)?.delete(customerId)) this.sorted.delete(id);
    }
  }
}
