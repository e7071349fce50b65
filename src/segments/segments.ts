import type { Catalog } from '../catalog/catalog.js';
import type { Clock } from '../core/clock.js';
import { notFound, tactError } from '../core/errors.js';
import type { CustomerState } from '../domain/customer.js';
import type { JourneyEvent } from '../triggers/event.js';
import { evaluateSegments } from './evaluate.js';
import { keptWindows, trimmed, withEvent, type SegmentFacts } from './facts.js';
import type { SegmentStore } from './segment-store.js';

/** A customer entered or left a segment: what triggers and metrics hear. */
export interface SegmentChange {
  readonly customerId: string;
  readonly segment: string;
  readonly change: 'entered' | 'left';
  readonly at: number;
}

export interface SegmentsDeps {
  readonly catalog: () => Catalog;
  /** The customer's live state (profile, consent, cart) from the customer store. */
  readonly loadCustomer: (customerId: string, at: number) => Promise<CustomerState>;
  readonly store: SegmentStore;
  readonly clock: Clock;
  /** Entries and exits, after the index has them (e.g. RecordEvent-style events for trigger rules). */
  readonly onChange?: (change: SegmentChange) => Promise<void>;
}

/** Page size limit of `list`, like the rest of the API's lists. */
export const MAX_PAGE = 1000;

/**
 * Live segment membership (docs/segments.md). Kept current incrementally:
 * each event re-evaluates its customer's segments (`onEvent`, on the
 * RecordEvent path after the customer store has the event), a consent
 * change does too (`refresh`), and `tick` re-evaluates the customers whose
 * membership may change by time alone (an event leaving a window, a
 * lifecycle boundary): no nightly scan.
 */
export class Segments {
  constructor(private readonly deps: SegmentsDeps) {}

  /** RecordEvent's hook: the event joins the facts, then the customer's segments are evaluated. */
  async onEvent(event: JourneyEvent): Promise<void> {
    const catalog = this.deps.catalog();
    if ((catalog.segments?.size ?? 0) === 0) return;
    const now = this.deps.clock.now();
    const windows = keptWindows(catalog);
    await this.evaluate(event.customerId, catalog, now, (f) => withEvent(f, event, windows, now));
  }

  /** Re-evaluate one customer with no new event (consent or profile changed elsewhere). */
  async refresh(customerId: string): Promise<void> {
    const catalog = this.deps.catalog();
    if ((catalog.segments?.size ?? 0) === 0) return;
    const now = this.deps.clock.now();
    const windows = keptWindows(catalog);
    await this.evaluate(customerId, catalog, now, (f) => ({ ...f, events: trimmed(f.events, windows, now) }));
  }

  /** Time passes: re-evaluate customers whose next check is due, at most `limit`; returns how many. */
  async tick(limit = 1000): Promise<number> {
    const now = this.deps.clock.now();
    const due = await this.deps.store.due(now, limit);
    for (const id of due) await this.refresh(id);
    return due.length;
  }

  async count(segmentId: string): Promise<number> {
    this.known(segmentId);
    return this.deps.store.count(segmentId);
  }

  /** One page of members in id order; `after` is the last id of the previous page ("" first). */
  async list(segmentId: string, after: string, limit: number): Promise<string[]> {
    this.known(segmentId);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw tactError('TOO_LONG', `page size ${limit}: give 1 to ${MAX_PAGE}`, 'page_size');
    }
    return this.deps.store.list(segmentId, after, limit);
  }

  /** ForgetCustomer: every trace of the customer in segment state. */
  forget(customerId: string): Promise<void> {
    return this.deps.store.forget(customerId, [...(this.deps.catalog().segments?.keys() ?? [])]);
  }

  private known(segmentId: string): void {
    if (!this.deps.catalog().segments?.has(segmentId)) throw notFound('segment', `unknown segment "${segmentId}"`);
  }

  private async evaluate(customerId: string, catalog: Catalog, now: number, step: (f: SegmentFacts) => SegmentFacts): Promise<void> {
    const state = await this.deps.loadCustomer(customerId, now);
    let next: number | undefined;
    const { before, after } = await this.deps.store.update(customerId, (f) => {
      const stepped = step(f);
      const m = evaluateSegments(catalog, state, stepped, now);
      next = m.nextCheck;
      return { ...stepped, members: m.members };
    });
    // Segments removed from the catalog count as left, so the index forgets them.
    const entered = after.members.filter((id) => !before.members.includes(id));
    const left = before.members.filter((id) => !after.members.includes(id));
    await this.deps.store.index(customerId, entered, left, next);
    if (!this.deps.onChange) return;
    for (const segment of entered) await this.deps.onChange({ customerId, segment, change: 'entered', at: now });
    for (const segment of left) await this.deps.onChange({ customerId, segment, change: 'left', at: now });
  }
}

/**
 * The event name a segment change is for trigger rules: `segment.<id>.entered`
 * / `.left`, so a catalog trigger can start a journey on entry
 * (`when: { event: segment.lapsing.entered }`).
 */
export const segmentEventName = (change: SegmentChange): string => `segment.${change.segment}.${change.change}`;
