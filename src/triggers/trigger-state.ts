import { dropOldest } from '../core/drop-oldest.js';

/**
 * What trigger rules remember per customer between events, behind one port:
 * memory (this file) and Redis (redis-trigger-state.ts). Timers themselves
 * live in the job queue; this is what deciding about them needs.
 */

/** A waiting (delay or inactivity) trigger, indexed so a cancelling event can find it. */
export interface PendingTrigger {
  readonly jobId: string;
  readonly trigger: string;
  /** The starting event's time. */
  readonly startedAt: number;
  readonly dueAt: number;
  readonly itemId?: string;
  readonly category?: string;
}

export interface TriggerState {
  /**
   * Remember that events with these keys happened at `at` (keeping the
   * latest time per key). Returns, per key, whether `at` is now its latest.
   */
  noteEvents(customerId: string, keys: readonly string[], at: number): Promise<boolean[]>;
  /** Latest time of each key, undefined when never noted (or expired). */
  lastEvents(customerId: string, keys: readonly string[]): Promise<(number | undefined)[]>;
  addPending(customerId: string, pending: PendingTrigger): Promise<void>;
  pending(customerId: string): Promise<PendingTrigger[]>;
  removePending(customerId: string, jobId: string): Promise<void>;
  /**
   * Atomically claim a firing of `key` for `jobId`: true when no other job
   * fired the key within `cooldownMs` (re-entry limit), and again true when
   * this job already holds the claim (a retried firing is not refused).
   */
  claimFiring(customerId: string, key: string, jobId: string, cooldownMs: number, now: number): Promise<boolean>;
  /**
   * Note that a due timer was handled (fired: decided and sends scheduled;
   * or cancelled): true the first time, false when it already was. A timer
   * job can run twice (BullMQ hands a job whose lock lapsed on a loaded
   * replica to another); its effects are idempotent, and this keeps it
   * counted once. The last MAX_FIRINGS_KEPT of a customer are remembered.
   */
  markHandled(customerId: string, firingId: string, at: number): Promise<boolean>;
  /** Remember a send queued for the customer, so ForgetCustomer can take it out of its channel's queue. */
  addSend(customerId: string, send: QueuedSend): Promise<void>;
  /** ForgetCustomer: erase everything kept for the customer; returns the jobs to take out of the queues. */
  forget(customerId: string): Promise<ForgottenJobs>;
}

/** A send in a channel's queue, by its job id. */
export interface QueuedSend {
  readonly id: string;
  readonly channel: string;
}

export interface ForgottenJobs {
  /** Timer job ids of the customer's waiting triggers. */
  readonly timers: readonly string[];
  readonly sends: readonly QueuedSend[];
}

/** Firings remembered per customer for markHandled (a job runs again within minutes, not after 64 more firings). */
export const MAX_FIRINGS_KEPT = 64;

/** Keys an event is noted under: any such event, its item, its category, or a whole-cart one. */
export function eventKeys(name: string, itemId: string | undefined, category: string | undefined): string[] {
  const keys = [`${name}|*`];
  if (itemId) keys.push(`${name}|item:${itemId}`);
  if (category) keys.push(`${name}|cat:${category}`);
  if (!itemId && !category) keys.push(`${name}|all`);
  return keys;
}

interface CustomerEntry {
  readonly seen: Map<string, number>;
  readonly pending: Map<string, PendingTrigger>;
  readonly fired: Map<string, { jobId: string; until: number }>;
  readonly done: Set<string>;
  readonly sends: Map<string, QueuedSend>;
}

/** Most recent event keys kept per customer (items and categories make the set open-ended). */
export const MAX_EVENT_KEYS = 64;

/** One process's trigger state; lost on restart, like the memory job queue. */
export class MemoryTriggerState implements TriggerState {
  private readonly customers = new Map<string, CustomerEntry>();

  private entry(customerId: string): CustomerEntry {
    let e = this.customers.get(customerId);
    if (!e) this.customers.set(customerId, (e = { seen: new Map(), pending: new Map(), fired: new Map(), done: new Set(), sends: new Map() }));
    return e;
  }

  async noteEvents(customerId: string, keys: readonly string[], at: number): Promise<boolean[]> {
    const { seen } = this.entry(customerId);
    const newest = keys.map((k) => {
      const before = seen.get(k);
      if (before !== undefined && before > at) return false;
      seen.delete(k);
      seen.set(k, at);
      return true;
    });
    while (seen.size > MAX_EVENT_KEYS) {
      let oldest: string | undefined;
      let oldestAt = Number.POSITIVE_INFINITY;
      for (const [k, t] of seen) if (t < oldestAt) [oldest, oldestAt] = [k, t];
      seen.delete(oldest as string);
    }
    return newest;
  }

  async lastEvents(customerId: string, keys: readonly string[]): Promise<(number | undefined)[]> {
    const seen = this.customers.get(customerId)?.seen;
    return keys.map((k) => seen?.get(k));
  }

  async addPending(customerId: string, pending: PendingTrigger): Promise<void> {
    this.entry(customerId).pending.set(pending.jobId, pending);
  }

  async pending(customerId: string): Promise<PendingTrigger[]> {
    return [...(this.customers.get(customerId)?.pending.values() ?? [])];
  }

  async removePending(customerId: string, jobId: string): Promise<void> {
    this.customers.get(customerId)?.pending.delete(jobId);
  }

  async claimFiring(customerId: string, key: string, jobId: string, cooldownMs: number, now: number): Promise<boolean> {
    const { fired } = this.entry(customerId);
    const held = fired.get(key);
    if (held && held.until > now && held.jobId !== jobId) return false;
    if (cooldownMs > 0) fired.set(key, { jobId, until: now + cooldownMs });
    return true;
  }

  async markHandled(customerId: string, firingId: string, _at: number): Promise<boolean> {
    const { done } = this.entry(customerId);
    if (done.has(firingId)) return false;
    done.add(firingId);
    dropOldest(done, MAX_FIRINGS_KEPT);
    return true;
  }

  async addSend(customerId: string, send: QueuedSend): Promise<void> {
    this.entry(customerId).sends.set(send.id, send);
  }

  async forget(customerId: string): Promise<ForgottenJobs> {
    const e = this.customers.get(customerId);
    this.customers.delete(customerId);
    return { timers: [...(e?.pending.keys() ?? [])], sends: [...(e?.sends.values() ?? [])] };
  }
}
