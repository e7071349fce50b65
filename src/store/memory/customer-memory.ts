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

/** Consent of a customer Tact has never heard from: no answers recorded yet. */
/** Mutable per-customer record; copied out by `load` so callers see a snapshot. */
interface Entry {
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
 */
export class CustomerMemory {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly retentionMs = DEFAULT_RETENTION_MS) {}

  load(customerId: string): CustomerState {
    const e = this.entries.get(customerId);
    if (!e) return emptyCustomerState(customerId);
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
    return this.entries.delete(customerId);
  }

  /** Customer ids with state (debugging, and the forget-me test). */
  customerIds(): string[] {
    return [...this.entries.keys()];
  }

  private entry(customerId: string): Entry {
    let e = this.entries.get(customerId);
    if (!e) {
      e = newEntry();
      this.entries.set(customerId, e);
    }
    return e;
  }
}

/** A customer Tact has heard nothing from. */
function newEntry(): Entry {
  return {
    profile: EMPTY_FEATURES,
    consent: NO_CONSENT,
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
