import { z } from 'zod';
import type { LifecycleSettings, SegmentCondition, SegmentSpec } from './catalog.js';

/**
 * The catalog's `segments:` and `lifecycle:` sections (docs/segments.md).
 * A segment is three lists of conditions (all / any / none); each condition
 * is an object with exactly one key naming its kind, so a YAML reader sees
 * what it tests at a glance:
 *
 *   - id: shoe_browsers
 *     all:
 *       - events: { event: page_view, category: shoes, within_days: 7, min: 3 }
 *       - consent: { channel: sms }
 *     none:
 *       - events: { event: purchase, category: shoes, within_days: 30 }
 */

const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'ids use letters, digits, "_", "-" and "." only');

const finite = z.number().finite();
/** Windows are days; a year is the longest any aggregate keeps events for. */
const withinDays = finite.positive().max(366);

const range = <T extends { min: number; max?: number | undefined }>(v: T, ctx: z.RefinementCtx) => {
  if (v.max !== undefined && v.max < v.min) ctx.addIssue({ code: 'custom', path: ['max'], message: `max ${v.max} is below min ${v.min}` });
};

const attributeSchema = z
  .strictObject({
    /** Profile attribute (PROFILE_UPDATE attributes), numeric or categorical. */
    name: z.string().min(1).max(128),
    /** Categorical value is one of these. */
    in: z.array(z.string()).min(1).optional(),
    /** Numeric value at least this. */
    gte: finite.optional(),
    /** Numeric value at most this. */
    lte: finite.optional(),
    /** true: the attribute is set (either kind); false: it is not. */
    exists: z.boolean().optional(),
  })
  .superRefine((a, ctx) => {
    const given = Number(a.in !== undefined) + Number(a.gte !== undefined || a.lte !== undefined) + Number(a.exists !== undefined);
    if (given !== 1) ctx.addIssue({ code: 'custom', message: 'give exactly one of: in, gte/lte, exists' });
  });

const eventsSchema = z
  .strictObject({
    /** Event name: a built-in type in snake case (purchase, cart_add) or a CUSTOM event's name (page_view). */
    event: idSchema,
    /** Only events about this category. */
    category: z.string().min(1).optional(),
    /** Only events about this item. */
    item: z.string().min(1).optional(),
    /** Window length, days, ending now. */
    within_days: withinDays,
    /** At least this many in the window. @defaultValue 1 */
    min: z.number().int().nonnegative().default(1),
    /** At most this many. */
    max: z.number().int().nonnegative().optional(),
  })
  .superRefine(range);

const moneySchema = z
  .strictObject({
    within_days: withinDays,
    /** Money spent in the window (sum of PURCHASE attributes.numeric.value) at least this. @defaultValue 0 */
    min: finite.nonnegative().default(0),
    max: finite.nonnegative().optional(),
  })
  .superRefine(range);

const cartSchema = z
  .strictObject({
    category: z.string().min(1).optional(),
    item: z.string().min(1).optional(),
    /** Lines in the cart (of that category or item) at least this. @defaultValue 1 */
    min: z.number().int().nonnegative().default(1),
    max: z.number().int().nonnegative().optional(),
  })
  .superRefine(range);

const STAGES = ['new', 'active', 'lapsing', 'lapsed'] as const;

const conditionSchema = z
  .strictObject({
    attribute: attributeSchema.optional(),
    consent: z.strictObject({ channel: idSchema }).optional(),
    time_zone: z.strictObject({ in: z.array(z.string()).min(1) }).optional(),
    events: eventsSchema.optional(),
    money: moneySchema.optional(),
    cart: cartSchema.optional(),
    lifecycle: z.strictObject({ in: z.array(z.enum(STAGES)).min(1) }).optional(),
  })
  .superRefine((c, ctx) => {
    const kinds = Object.keys(c).filter((k) => c[k as keyof typeof c] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `give exactly one of attribute, consent, time_zone, events, money, cart, lifecycle (got ${kinds.length === 0 ? 'none' : kinds.join(', ')})`,
      });
    }
  });

/** At most this many conditions per segment: each is evaluated on every event of every customer. */
export const MAX_SEGMENT_CONDITIONS = 32;

export const segmentSchema = z
  .strictObject({
    id: idSchema,
    /** Every one must hold. */
    all: z.array(conditionSchema).default([]),
    /** At least one must hold (when the list is not empty). */
    any: z.array(conditionSchema).default([]),
    /** None may hold. */
    none: z.array(conditionSchema).default([]),
    description: z.string().optional(),
  })
  .superRefine((s, ctx) => {
    const n = s.all.length + s.any.length + s.none.length;
    if (n === 0) ctx.addIssue({ code: 'custom', message: 'a segment needs at least one condition (all, any or none)' });
    if (n > MAX_SEGMENT_CONDITIONS) ctx.addIssue({ code: 'custom', message: `${n} conditions: at most ${MAX_SEGMENT_CONDITIONS}` });
  });

export const lifecycleSchema = z
  .strictObject({
    /** A customer is `new` for this many days after their first activity. @defaultValue 30 */
    new_days: finite.positive().default(30),
    /** `active` while the last activity is this recent. @defaultValue 30 */
    active_days: finite.positive().default(30),
    /** `lapsing` while the last activity is this recent (and not active); `lapsed` beyond. @defaultValue 90 */
    lapsed_days: finite.positive().default(90),
  })
  .refine((l) => l.lapsed_days > l.active_days, { path: ['lapsed_days'], message: 'lapsed_days must exceed active_days' });

export type SegmentDoc = z.infer<typeof segmentSchema>;
type ConditionDoc = z.infer<typeof conditionSchema>;

const DAY_MS = 86_400_000;

function toCondition(c: ConditionDoc): SegmentCondition {
  if (c.attribute) {
    const a = c.attribute;
    return {
      kind: 'attribute',
      name: a.name,
      ...(a.in ? { in: a.in } : {}),
      ...(a.gte !== undefined ? { gte: a.gte } : {}),
      ...(a.lte !== undefined ? { lte: a.lte } : {}),
      ...(a.exists !== undefined ? { exists: a.exists } : {}),
    };
  }
  if (c.consent) return { kind: 'consent', channel: c.consent.channel };
  if (c.time_zone) return { kind: 'time_zone', in: c.time_zone.in };
  if (c.events) {
    const e = c.events;
    return {
      kind: 'events',
      event: e.event,
      withinMs: e.within_days * DAY_MS,
      min: e.min,
      ...(e.max !== undefined ? { max: e.max } : {}),
      ...(e.category ? { category: e.category } : {}),
      ...(e.item ? { item: e.item } : {}),
    };
  }
  if (c.money) return { kind: 'money', withinMs: c.money.within_days * DAY_MS, min: c.money.min, ...(c.money.max !== undefined ? { max: c.money.max } : {}) };
  if (c.cart) {
    const k = c.cart;
    return { kind: 'cart', min: k.min, ...(k.max !== undefined ? { max: k.max } : {}), ...(k.category ? { category: k.category } : {}), ...(k.item ? { item: k.item } : {}) };
  }
  if (c.lifecycle) return { kind: 'lifecycle', in: c.lifecycle.in };
  // Unreachable: the schema requires exactly one kind.
  return { kind: 'lifecycle', in: [] };
}

export function toSegment(s: SegmentDoc): SegmentSpec {
  return Object.freeze({ id: s.id, all: s.all.map(toCondition), any: s.any.map(toCondition), none: s.none.map(toCondition) });
}

export function toLifecycle(l: z.infer<typeof lifecycleSchema>): LifecycleSettings {
  return Object.freeze({ newDays: l.new_days, activeDays: l.active_days, lapsedDays: l.lapsed_days });
}
