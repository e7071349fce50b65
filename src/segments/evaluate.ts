import type { Catalog, LifecycleSettings, LifecycleStage, SegmentCondition, SegmentSpec } from '../catalog/catalog.js';
import type { CustomerState } from '../domain/customer.js';
import { lifecycleOf, type SegmentFacts } from './facts.js';

const DAY_MS = 86_400_000;

/**
 * Lifecycle stage at `now`: `new` within newDays of the first activity, then
 * by the last activity's age: active, lapsing, lapsed. No activity ever:
 * undefined (in no lifecycle segment).
 */
export function lifecycleStage(facts: SegmentFacts, settings: LifecycleSettings, now: number): LifecycleStage | undefined {
  if (facts.firstSeen === undefined || facts.lastActive === undefined) return undefined;
  if (now - facts.firstSeen < settings.newDays * DAY_MS) return 'new';
  const idle = now - facts.lastActive;
  if (idle < settings.activeDays * DAY_MS) return 'active';
  if (idle < settings.lapsedDays * DAY_MS) return 'lapsing';
  return 'lapsed';
}

export interface Membership {
  /** Segment ids the customer is in, sorted. */
  readonly members: string[];
  /**
   * The earliest time after `now` at which membership may change with no
   * new event: an event leaving a window, a lifecycle boundary. Undefined:
   * never by time alone.
   */
  readonly nextCheck?: number;
}

interface Inputs {
  readonly state: CustomerState;
  readonly facts: SegmentFacts;
  readonly catalog: Catalog;
  readonly now: number;
  readonly stage: LifecycleStage | undefined;
}

/** Every catalog segment over one customer's live state and kept events. */
export function evaluateSegments(catalog: Catalog, state: CustomerState, facts: SegmentFacts, now: number): Membership {
  const life = lifecycleOf(catalog);
  const input: Inputs = { state, facts, catalog, now, stage: lifecycleStage(facts, life, now) };
  const members: string[] = [];
  for (const seg of catalog.segments?.values() ?? []) if (inSegment(seg, input)) members.push(seg.id);
  members.sort();
  const next = nextChange(catalog, facts, life, now);
  return { members, ...(next !== undefined ? { nextCheck: next } : {}) };
}

export function inSegment(seg: SegmentSpec, input: Inputs): boolean {
  if (!seg.all.every((c) => holds(c, input))) return false;
  if (seg.any.length > 0 && !seg.any.some((c) => holds(c, input))) return false;
  return !seg.none.some((c) => holds(c, input));
}

const within = (n: number, min: number, max: number | undefined) => n >= min && (max === undefined || n <= max);

function holds(c: SegmentCondition, { state, facts, catalog, now, stage }: Inputs): boolean {
  switch (c.kind) {
    case 'attribute': {
      const num = state.profile.numeric[c.name];
      const cat = state.profile.categorical[c.name];
      if (c.exists !== undefined) return (num !== undefined || cat !== undefined) === c.exists;
      if (c.in) return cat !== undefined && c.in.includes(cat);
      return num !== undefined && (c.gte === undefined || num >= c.gte) && (c.lte === undefined || num <= c.lte);
    }
    case 'consent': {
      // Marketing contact as the consent rule reads it: an explicit answer wins, else the channel's mode.
      if (state.consent.optOut) return false;
      const answer = state.consent.channels[c.channel];
      if (answer !== undefined) return answer;
      return (catalog.channels.get(c.channel)?.consent ?? 'opt_in') === 'opt_out';
    }
    case 'time_zone':
      return c.in.includes(state.consent.timeZone);
    case 'events': {
      let n = 0;
      for (const e of facts.events) {
        if (e.name !== c.event || e.at <= now - c.withinMs || e.at > now) continue;
        if (c.category !== undefined && e.category !== c.category) continue;
        if (c.item !== undefined && e.item !== c.item) continue;
        n++;
      }
      return within(n, c.min, c.max);
    }
    case 'money': {
      let sum = 0;
      for (const e of facts.events) if (e.name === 'purchase' && e.at > now - c.withinMs && e.at <= now) sum += e.value ?? 0;
      return within(sum, c.min, c.max);
    }
    case 'cart': {
      const n = state.cart.filter((l) => (c.category === undefined || l.category === c.category) && (c.item === undefined || l.itemId === c.item)).length;
      return within(n, c.min, c.max);
    }
    case 'lifecycle':
      return stage !== undefined && c.in.includes(stage);
  }
}

/**
 * When time alone may change a membership: each kept event leaves each
 * window that counts it, an event dated ahead of now enters, and the
 * lifecycle boundaries pass. Conservative (a check may find nothing changed),
 * never late.
 */
function nextChange(catalog: Catalog, facts: SegmentFacts, life: LifecycleSettings, now: number): number | undefined {
  let next = Infinity;
  const consider = (t: number) => {
    if (t > now && t < next) next = t;
  };
  const windows = new Set<number>();
  for (const seg of catalog.segments?.values() ?? []) {
    for (const c of [...seg.all, ...seg.any, ...seg.none]) if (c.kind === 'events' || c.kind === 'money') windows.add(c.withinMs);
  }
  for (const e of facts.events) {
    consider(e.at);
    for (const w of windows) consider(e.at + w);
  }
  if (facts.firstSeen !== undefined) consider(facts.firstSeen + life.newDays * DAY_MS);
  if (facts.lastActive !== undefined) {
    consider(facts.lastActive + life.activeDays * DAY_MS);
    consider(facts.lastActive + life.lapsedDays * DAY_MS);
  }
  return next === Infinity ? undefined : next;
}
