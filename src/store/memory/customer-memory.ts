import type { Clock } from '../../core/clock.js';
import { EMPTY_FEATURES, mergeFeatures, type Features } from '../../domain/features.js';
import { countForCap } from '../../domain/caps.js';
import { emptyCustomerState, NO_CONSENT } from '../../domain/customer-state.js';
import type {
  ConsentState,
  CustomerEvent,
  CustomerState,
  ItemEvent,
  SendRecord,
  SendReservation,
} from '../store.js';

/** Mutable per-customer record; copied out by `load` so callers see a snapshot. */
interface Entry {
  /** Clock time of the last write: idle customers are evicted by it. */
  touched: number;
  profile: Features;
  consent: ConsentState;
  cart: ItemEvent[];
  purchases: ItemEvent[];
  openTickets: number;
  sends: SendRecord[];
  ignored: { messageId: string; at: number; channel?: string }[];
}

/** 90 days: longer than any suppression, cap or fatigue window a catalog sets. */
export const DEFAULT_RETENTION_MS = 90 * 86_400_000;

/**
 * Customer state in process memory: the CustomerStore part of MemoryStore
 * (forgetCustomer there also erases decisions and the learning ledger).
 * JS runs one call at a time, so reserveSends' check-and-record is atomic.
 *
 * Histories are pruned `retentionMs` behind the newest time seen for the
 * customer, so memory stays bounded by activity, not by age of the process.
 * Customers are bounded too: one idle for `retentionMs` (every history would
 * have been pruned by then) or, beyond `maxCustomers`, the least recently
 * written one is evicted. Eviction keeps a refusal (opt-out, a channel
 * refused, an unreachable channel) in a small consent-only map, so a bound
 * never makes Tact contact someone who said no; an opt-in is dropped (the
 * customer then looks as if never asked: fails closed on opt-in channels).
 */
export class CustomerMemory {
  /** In order of last write (re-inserted on each), so the idlest customer is first. */
  private readonly entries = new Map<string, Entry>();
  /** Refusals of evicted customers: never evicted (removed by forget). */
  private readonly refusals = new Map<string, ConsentState>();
  private readonly maxCustomers: number;
  private readonly clock: Clock | undefined;
  private readonly onEvict: () => void;

  constructor(
    private readonly retentionMs = DEFAULT_RETENTION_MS,
    bounds: { readonly maxCustomers?: number; readonly clock?: Clock; readonly onEvict?: () => void } = {},
  ) {
    this.maxCustomers = bounds.maxCustomers ?? Infinity;
    this.clock = bounds.clock;
    this.onEvict = bounds.onEvict ?? (() => undefined);
  }

  load(customerId: string): CustomerState {
    const e = this.entries.get(customerId);
    if (!e) {
      const consent = this.refusals.get(customerId);
      return consent ? { ...emptyCustomerState(customerId), consent } : emptyCustomerState(customerId);
    }
    return {
      customerId,
      profile: e.profile,
      consent: e.consent,
      cart: [...e.cart],
      purchases: [...e.purchases],
      openTickets: e.openTickets,
      sends: [...e.sends],
      ignored: [...e.ignored],
    };
  }

  record(customerId: string, event: CustomerEvent): void {
    const e = this.entry(customerId);
    applyEvent(e, event);
    prune(e, event.at - this.retentionMs);
  }

  setConsent(customerId: string, patch: Partial<ConsentState>): void {
    const e = this.entry(customerId);
    e.consent = {
      ...e.consent,
      ...patch,
      // Channels not in the patch keep their earlier answer.
      channels: { ...e.consent.channels, ...(patch.channels ?? {}) },
    };
  }

  reserve(customerId: string, reservations: readonly SendReservation[]): number {
    const e = this.entries.get(customerId);
    const recorded = e ? e.sends : [];
    const tentative: SendRecord[] = [];
    for (let i = 0; i < reservations.length; i++) {
      const r = reservations[i] as SendReservation;
      for (const cap of r.caps) {
        if (countForCap(recorded, cap, r.send.at) + countForCap(tentative, cap, r.send.at) >= cap.max) return i;
      }
      tentative.push(r.send);
    }
    if (tentative.length === 0) return -1;
    const target = this.entry(customerId);
    target.sends.push(...tentative);
    prune(target, Math.max(...tentative.map((s) => s.at)) - this.retentionMs);
    return -1;
  }

  /** Remove the customer entirely; true when there was anything to remove. */
  erase(customerId: string): boolean {
    const refused = this.refusals.delete(customerId);
    return this.entries.delete(customerId) || refused;
  }

  /** Customer ids with state (debugging, and the forget-me test). */
  customerIds(): string[] {
    return [...new Set([...this.entries.keys(), ...this.refusals.keys()])];
  }

  /** Customers held in full (refusals of evicted customers not counted). */
  get size(): number {
    return this.entries.size;
  }

  /** The customer's entry, moved to the end of the idle order. */
  private entry(customerId: string): Entry {
    const now = this.clock?.now() ?? 0;
    let e = this.entries.get(customerId);
    if (e) this.entries.delete(customerId);
    else {
      e = newEntry(this.refusals.get(customerId) ?? NO_CONSENT);
      this.refusals.delete(customerId);
    }
    e.touched = now;
    this.entries.set(customerId, e);
    this.evictIdle(now);
    return e;
  }

  /** A few per write: enough to keep up with the inflow, never a pause. */
  private evictIdle(now: number): void {
    for (let i = 0; i < 4; i++) {
      const head = this.entries.entries().next();
      if (head.done) return;
      const [id, e] = head.value;
      const idle = this.clock !== undefined && e.touched < now - this.retentionMs;
      if (!idle && this.entries.size <= this.maxCustomers) return;
      this.entries.delete(id);
      if (refuses(e.consent)) this.refusals.set(id, e.consent);
      this.onEvict();
    }
  }
}

/** Consent whose loss would let Tact contact someone who said no. */
function refuses(c: ConsentState): boolean {
  return c.optOut || c.unreachable.length > 0 || Object.values(c.channels).some((allowed) => !allowed);
}

/** A customer Tact has heard nothing from (but a refusal it kept). */
function newEntry(consent: ConsentState): Entry {
  return {
    touched: 0,
    profile: EMPTY_FEATURES,
    consent,
    cart: [],
    purchases: [],
    openTickets: 0,
    sends: [],
    ignored: [],
  };
}

function applyEvent(e: Entry, ev: CustomerEvent): void {
  const item: ItemEvent = { itemId: ev.itemId ?? '', category: ev.category ?? '', at: ev.at };
  switch (ev.type) {
    case 'cart_add':
      // Re-adding an item refreshes it rather than counting it twice.
      e.cart = [...e.cart.filter((c) => !sameItem(c, item)), item];
      break;
    case 'cart_remove':
      e.cart = e.cart.filter((c) => !sameItem(c, item));
      break;
    case 'purchase':
      e.purchases.push(item);
      // A purchase without an item is a checkout of the whole cart.
      e.cart = item.itemId || item.category ? e.cart.filter((c) => !sameItem(c, item)) : [];
      break;
    case 'message_ignored':
      if (ev.messageId) e.ignored.push(ev.channel ? { messageId: ev.messageId, at: ev.at, channel: ev.channel } : { messageId: ev.messageId, at: ev.at });
      break;
    case 'message_opened':
    case 'message_clicked':
      // Engagement ends a streak of ignores: fatigue counts ignores since.
      if (ev.messageId) e.ignored = e.ignored.filter((i) => i.messageId !== ev.messageId);
      break;
    case 'unsubscribe':
      e.consent = ev.channel
        ? { ...e.consent, channels: { ...e.consent.channels, [ev.channel]: false } }
        : { ...e.consent, optOut: true };
      break;
    case 'ticket_opened':
      e.openTickets += 1;
      break;
    case 'ticket_closed':
      e.openTickets = Math.max(0, e.openTickets - 1);
      break;
    case 'profile_update':
      if (ev.attributes) e.profile = mergeFeatures(e.profile, ev.attributes);
      break;
    case 'message_delivered':
      // Tact records its own sends when it reserves them; a delivery report
      // would count them twice against the caps.
      break;
  }
}

/** Same cart line: by item id when known, else by category. */
function sameItem(a: ItemEvent, b: ItemEvent): boolean {
  return b.itemId ? a.itemId === b.itemId : a.category === b.category;
}

/**
 * Most recent entries kept per history. Caps and pressure features never need
 * more (no marketing cap allows hundreds of sends in its window), and it keeps
 * every Decide for a very busy customer (a load test's single customer, a
 * bot) at a bounded cost instead of one that grows with each send.
 */
const MAX_HISTORY = 256;

function prune(e: Entry, before: number): void {
  const keep = <T extends { at: number }>(list: T[]): T[] => {
    const recent = list.some((x) => x.at < before) ? list.filter((x) => x.at >= before) : list;
    // The latest by time, not by arrival: backdated entries (a backfill) must not push recent sends out of the cap count.
    return recent.length > MAX_HISTORY ? [...recent].sort((a, b) => a.at - b.at).slice(-MAX_HISTORY) : recent;
  };
  e.purchases = keep(e.purchases);
  e.sends = keep(e.sends);
  e.ignored = keep(e.ignored);
}
