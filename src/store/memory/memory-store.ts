import { systemClock, type Clock } from '../../core/clock.js';
import { tactError } from '../../core/errors.js';
import { MinHeap } from '../../core/min-heap.js';
import type { Decision } from '../../domain/decision.js';
import type {
  ConsentState,
  CustomerEvent,
  CustomerState,
  DecisionRecord,
  EngagementStatus,
  ExpiredDecision,
  ForgetResult,
  JoinResult,
  LearningUpdate,
  RewardJoinRequest,
  SendReservation,
  TactStore,
} from '../store.js';
import { ledgerPolicy, type LedgerPolicy } from '../ledger.js';
import { CustomerMemory } from './customer-memory.js';
import { MemoryLedger } from './memory-ledger.js';

/** What the memory store drops to stay within its bounds (tact_store_evictions_total{kind}). */
export type EvictionKind = 'customer' | 'decision' | 'ledger';

export interface MemoryStoreOptions {
  /** How far back a customer's histories reach, and how long an idle customer is kept. @defaultValue 90 days */
  readonly retentionMs?: number;
  /** What forget can unlearn (see ledger.ts). */
  readonly ledger?: Partial<LedgerPolicy>;
  /** Customers held (state, and ledgers); the least recently active one is evicted beyond it. @defaultValue 1000000 */
  readonly maxCustomers?: number;
  /** Decisions held in their window; beyond it the one closest to its window's end is closed early. @defaultValue 1000000 */
  readonly maxDecisions?: number;
  /** Retention is measured on this clock (simulations run weeks in seconds). */
  readonly clock?: Clock;
}

export const DEFAULT_MEMORY_MAX_CUSTOMERS = 1_000_000;
export const DEFAULT_MEMORY_MAX_DECISIONS = 1_000_000;

/**
 * A decision in its attribution window. Held by the million, so every field
 * is paid for: reward and event maps exist only once a reward arrives, and
 * the full response only when a request id may ask for it again.
 */
interface HeldDecision {
  readonly record: DecisionRecord;
  readonly decision?: Decision;
  readonly requestId?: string;
  /** Combined reward per action id. */
  rewards?: Map<string, number>;
  events?: Set<string>;
  /** Actions engaged with (markEngaged). */
  engaged?: Set<string>;
}

/**
 * The embedded default: all state in this process. Single-threaded JS makes
 * every method atomic, which is what the Redis adapter achieves with Lua.
 */
export class MemoryStore implements TactStore {
  readonly kind = 'memory' as const;
  private readonly decisions = new Map<string, HeldDecision>();
  private readonly byRequest = new Map<string, string>();
  private readonly expiry = new MinHeap<string>();
  private readonly handlers: Array<(u: LearningUpdate) => void> = [];
  private readonly customers: CustomerMemory;
  /** Decision ids per customer, for forget-me: one id as a plain string, more as an array. */
  private readonly decisionsOf = new Map<string, string | string[]>();
  /** Applied learning updates per customer: what forget-me unlearns. */
  private readonly ledger: MemoryLedger;
  private readonly clock: Clock;
  private readonly maxDecisions: number;
  /** Decisions closed early by the cap, handed to the next sweep with their default rewards. */
  private shed: ExpiredDecision[] = [];
  private readonly evictions: Record<EvictionKind, number> = { customer: 0, decision: 0, ledger: 0 };

  constructor(options: MemoryStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    const maxCustomers = positive(options.maxCustomers ?? DEFAULT_MEMORY_MAX_CUSTOMERS, 'memoryMaxCustomers');
    this.maxDecisions = positive(options.maxDecisions ?? DEFAULT_MEMORY_MAX_DECISIONS, 'memoryMaxDecisions');
    this.customers = new CustomerMemory(options.retentionMs, { maxCustomers, clock: this.clock, onEvict: () => this.evictions.customer++ });
    this.ledger = new MemoryLedger(ledgerPolicy(options.ledger), maxCustomers, () => this.evictions.ledger++);
  }

  /** Entries dropped to stay within the bounds, by kind. */
  evicted(): Readonly<Record<EvictionKind, number>> {
    return this.evictions;
  }

  async saveDecision(record: DecisionRecord, decision: Decision, requestId?: string): Promise<void> {
    // Shedding, not refusing: the Decide that needs room still gets its answer,
    // and the shed decision is learned from as if its window had closed.
    while (this.decisions.size >= this.maxDecisions) if (!this.shedOne()) break;
    const held: HeldDecision = requestId === undefined ? { record } : { record, decision, requestId };
    if (requestId !== undefined) this.byRequest.set(requestId, record.decisionId);
    this.decisions.set(record.decisionId, held);
    this.expiry.push(record.expiresAt, record.decisionId);
    const ids = this.decisionsOf.get(record.customerId);
    if (ids === undefined) this.decisionsOf.set(record.customerId, record.decisionId);
    else if (typeof ids === 'string') this.decisionsOf.set(record.customerId, [ids, record.decisionId]);
    else ids.push(record.decisionId);
  }

  async findByRequestId(_customerId: string, requestId: string): Promise<Decision | undefined> {
    const id = this.byRequest.get(requestId);
    return id === undefined ? undefined : this.decisions.get(id)?.decision;
  }

  async findDecision(decisionId: string): Promise<DecisionRecord | undefined> {
    return this.decisions.get(decisionId)?.record;
  }

  async joinReward(req: RewardJoinRequest): Promise<JoinResult> {
    const held = this.decisions.get(req.decisionId);
    if (!held) return { status: 'unknown' };
    const { record } = held;
    if (req.now >= record.expiresAt) return { status: 'expired' };
    const actionId = req.actionId === '' ? record.choices[0]?.actionId : req.actionId;
    if (actionId === undefined || !record.choices.some((c) => c.actionId === actionId)) {
      return { status: 'unknown_action', record };
    }
    if (req.eventId !== undefined) {
      held.events ??= new Set();
      if (held.events.has(req.eventId)) return { status: 'duplicate' };
      held.events.add(req.eventId);
    }
    held.rewards ??= new Map();
    const previousTotal = held.rewards.get(actionId);
    if (previousTotal !== undefined && record.combine === 'first') return { status: 'ignored', record };
    const total = (previousTotal ?? 0) + req.value;
    held.rewards.set(actionId, total);
    return previousTotal === undefined
      ? { status: 'joined', record, actionId, total }
      : { status: 'joined', record, actionId, total, previousTotal };
  }

  async markEngaged(decisionId: string, actionId: string): Promise<EngagementStatus> {
    const held = this.decisions.get(decisionId);
    if (!held || !held.record.choices.some((c) => c.actionId === actionId)) return 'unknown';
    held.engaged ??= new Set();
    if (held.engaged.has(actionId)) return 'again';
    held.engaged.add(actionId);
    return 'first';
  }

  async takeExpired(now: number, limit: number): Promise<ExpiredDecision[]> {
    const out = this.shed.splice(0, limit);
    while (out.length < limit) {
      const key = this.expiry.peekKey();
      if (key === undefined || key > now) break;
      const taken = this.takeNext();
      if (taken) out.push(taken);
    }
    return out;
  }

  /** Close the held decision whose window ends first; false when none is held. */
  private shedOne(): boolean {
    while (this.expiry.size > 0) {
      const taken = this.takeNext();
      if (!taken) continue;
      this.shed.push(taken);
      this.evictions.decision++;
      return true;
    }
    return false;
  }

  /** Pop the earliest window end; undefined when its decision is gone already (forgotten). */
  private takeNext(): ExpiredDecision | undefined {
    const held = this.decisions.get(this.expiry.pop() as string);
    if (!held) return undefined;
    this.remove(held);
    const unrewardedActions = held.record.choices.map((c) => c.actionId).filter((a) => !held.rewards?.has(a));
    return {
      record: held.record,
      unrewardedActions,
      totals: held.rewards ?? new Map<string, number>(),
      engagedActions: held.engaged ? [...held.engaged] : [],
    };
  }

  async countDecisions(): Promise<number> {
    return this.decisions.size;
  }

  async publish(update: LearningUpdate): Promise<void> {
    if (!update.unlearn) this.ledger.push(update, this.clock.now());
    for (const h of this.handlers) h(update);
  }

  async loadCustomer(customerId: string, _at: number): Promise<CustomerState> {
    return this.customers.load(customerId);
  }

  async recordEvent(customerId: string, event: CustomerEvent): Promise<void> {
    this.customers.record(customerId, event);
  }

  async setConsent(customerId: string, patch: Partial<ConsentState>): Promise<void> {
    this.customers.setConsent(customerId, patch);
  }

  async reserveSends(customerId: string, reservations: readonly SendReservation[]): Promise<number> {
    return this.customers.reserve(customerId, reservations);
  }

  async forgetCustomer(customerId: string): Promise<ForgetResult> {
    const updates = this.ledger.take(customerId, this.clock.now());
    this.customers.erase(customerId);
    // A shed decision waiting for the sweep is the customer's too.
    const before = this.shed.length;
    this.shed = this.shed.filter((e) => e.record.customerId !== customerId);
    let decisionsErased = 0;
    for (const id of idsOf(this.decisionsOf.get(customerId))) {
      const held = this.decisions.get(id);
      if (!held) continue;
      this.remove(held);
      decisionsErased++;
    }
    this.decisionsOf.delete(customerId);
    return { updates, decisionsErased: decisionsErased + before - this.shed.length };
  }

  /**
   * Every customer id this store holds anything for, by structure: lets tests
   * prove that forget-me left nothing behind.
   */
  debugCustomerKeys(): Record<'customers' | 'decisions' | 'requestIds' | 'decisionIndex' | 'ledger', string[]> {
    return {
      customers: this.customers.customerIds(),
      decisions: [...[...this.decisions.values()].map((h) => h.record), ...this.shed.map((e) => e.record)].map((r) => r.customerId),
      requestIds: [...this.byRequest.values()].flatMap((id) => {
        const held = this.decisions.get(id);
        return held ? [held.record.customerId] : [];
      }),
      decisionIndex: [...this.decisionsOf.keys()],
      ledger: this.ledger.customerIds(),
    };
  }

  subscribe(handler: (update: LearningUpdate) => void): void {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {}

  private remove(held: HeldDecision): void {
    const { decisionId, customerId } = held.record;
    this.decisions.delete(decisionId);
    if (held.requestId !== undefined) this.byRequest.delete(held.requestId);
    const ids = this.decisionsOf.get(customerId);
    if (ids === decisionId) this.decisionsOf.delete(customerId);
    else if (Array.isArray(ids)) {
      const rest = ids.filter((id) => id !== decisionId);
      if (rest.length === 0) this.decisionsOf.delete(customerId);
      else this.decisionsOf.set(customerId, rest.length === 1 ? (rest[0] as string) : rest);
    }
  }
}

function positive(n: number, field: string): number {
  if (!Number.isInteger(n) || n < 1) throw tactError('BAD_CONFIGURATION', `${field} must be a positive whole number, got ${n}`, field);
  return n;
}

function idsOf(entry: string | string[] | undefined): readonly string[] {
  return entry === undefined ? [] : typeof entry === 'string' ? [entry] : entry;
}
