import type { Catalog, SegmentCondition } from '../catalog/catalog.js';
import { DEFAULT_LIFECYCLE } from '../catalog/catalog.js';
import type { JourneyEvent } from '../triggers/event.js';

/**
 * What segment membership needs of a customer beyond the store's
 * CustomerState (profile, consent, cart): first and last activity (the
 * lifecycle stage), the recent events that some segment's aggregate counts,
 * and the segments the customer is in now (so a change is an entry or exit).
 */
export interface SegmentFacts {
  /** First activity seen, ms; undefined before any. */
  readonly firstSeen?: number;
  /** Latest activity seen, ms. */
  readonly lastActive?: number;
  /** Events an aggregate counts, oldest first, kept for the longest window that counts them. */
  readonly events: readonly KeptEvent[];
  /** Segment ids the customer is a member of, sorted. */
  readonly members: readonly string[];
}

export interface KeptEvent {
  readonly name: string;
  readonly at: number;
  readonly category?: string;
  readonly item?: string;
  /** A purchase's numeric attribute `value` (money conditions). */
  readonly value?: number;
}

export const NO_FACTS: SegmentFacts = Object.freeze({ events: Object.freeze([]), members: Object.freeze([]) });

/** A very busy customer's history stays bounded; the newest events are kept. */
export const MAX_KEPT_EVENTS = 1000;

/**
 * Receipts of Tact's own sends and profile writes are not the customer doing
 * something: they do not make a customer active.
 */
const NOT_ACTIVITY = new Set(['message_delivered', 'message_bounced', 'message_ignored', 'profile_update']);

export const isActivity = (name: string): boolean => !NOT_ACTIVITY.has(name);

/** Event names the catalog's segments count, each with the longest window that counts it. */
export function keptWindows(catalog: Catalog): ReadonlyMap<string, number> {
  const windows = new Map<string, number>();
  const note = (name: string, ms: number) => windows.set(name, Math.max(windows.get(name) ?? 0, ms));
  for (const seg of catalog.segments?.values() ?? []) {
    for (const c of [...seg.all, ...seg.any, ...seg.none] as SegmentCondition[]) {
      if (c.kind === 'events') note(c.event, c.withinMs);
      else if (c.kind === 'money') note('purchase', c.withinMs);
    }
  }
  return windows;
}

/**
 * The facts after one event. Events may be backdated (imports): the history
 * stays in time order, and first / last activity move only outward.
 */
export function withEvent(facts: SegmentFacts, event: JourneyEvent, windows: ReadonlyMap<string, number>, now: number): SegmentFacts {
  const activity = isActivity(event.name);
  const firstSeen = activity ? Math.min(facts.firstSeen ?? event.at, event.at) : facts.firstSeen;
  const lastActive = activity ? Math.max(facts.lastActive ?? event.at, event.at) : facts.lastActive;
  let events = facts.events;
  const window = windows.get(event.name);
  if (window !== undefined && event.at > now - window) {
    const value = event.attributes?.numeric['value'];
    const kept: KeptEvent = {
      name: event.name,
      at: event.at,
      ...(event.category ? { category: event.category } : {}),
      ...(event.itemId ? { item: event.itemId } : {}),
      ...(value !== undefined && Number.isFinite(value) ? { value } : {}),
    };
    const next = [...events];
    let i = next.length;
    while (i > 0 && (next[i - 1] as KeptEvent).at > kept.at) i--;
    next.splice(i, 0, kept);
    events = next;
  }
  return {
    ...(firstSeen !== undefined ? { firstSeen } : {}),
    ...(lastActive !== undefined ? { lastActive } : {}),
    events: trimmed(events, windows, now),
    members: facts.members,
  };
}

/** Drop events no segment's window reaches any more (or whose name no segment counts after a catalog change). */
export function trimmed(events: readonly KeptEvent[], windows: ReadonlyMap<string, number>, now: number): readonly KeptEvent[] {
  const out = events.filter((e) => {
    const w = windows.get(e.name);
    return w !== undefined && e.at > now - w;
  });
  return out.length > MAX_KEPT_EVENTS ? out.slice(out.length - MAX_KEPT_EVENTS) : out;
}

export const lifecycleOf = (catalog: Catalog) => catalog.lifecycle ?? DEFAULT_LIFECYCLE;
