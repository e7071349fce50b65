import { z } from 'zod';
import { NO_SEND_ID } from '../domain/decision.js';
import { isHhMm } from './time.js';
import { lifecycleSchema, segmentSchema } from './segment-schema.js';

/**
 * The catalog file's shape (YAML, see models/catalog.yaml for a documented
 * sample). Field names are snake_case as written in YAML; load.ts turns the
 * parsed document into the camelCase `Catalog` of catalog.ts.
 *
 * Validation happens in two passes: zod checks each field's type and range,
 * then `crossReferenceIssues` checks what zod cannot see locally (ids unique,
 * references resolve). Both report a path such as `messages[3].channels[1]`.
 */

/** Path of a problem inside the document: keys and array indexes. */
export type DocPath = readonly (string | number)[];

export interface CatalogIssue {
  readonly path: DocPath;
  readonly message: string;
}

/**
 * Ids become parts of candidate ids ("message:channel:slot") and metric
 * labels, so ":" and spaces are out.
 */
const idSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/,
    'ids use letters, digits, "_", "-" and "." only (":" separates the parts of a candidate id)',
  );

/** "HH:MM", 24-hour, local time. Quote it or not: YAML 1.2 reads 21:00 as a string. */
const timeSchema = z.string().superRefine((value, ctx) => {
  if (!isHhMm(value)) {
    ctx.addIssue({ code: 'custom', message: `invalid time "${value}": expected HH:MM (00:00-23:59)` });
  }
});

const finite = z.number().finite();

/** At most `max` sends per customer in any sliding window of `window_hours`. */
export const capSchema = z.strictObject({
  /** Sends allowed in the window (>= 1; to forbid a channel, leave it out of the messages). */
  max: z.number().int().positive(),
  /** Window length in hours: 24 for "per day", 168 for "per week". */
  window_hours: finite.positive(),
});

/** Local hours in which a channel must not deliver; start > end wraps midnight. */
export const quietHoursSchema = z
  .strictObject({
    /** First quiet minute, local "HH:MM". */
    start: timeSchema,
    /** First allowed minute again, local "HH:MM". */
    end: timeSchema,
    /** defer: move the send to `end`; drop: remove the candidate. Default defer. */
    action: z.enum(['defer', 'drop']).default('defer'),
  })
  .refine((q) => q.start !== q.end, { message: 'start and end are equal: quiet hours would be empty' });

/** How Tact delivers on a channel (docs/journeys.md); every field falls back to the server's settings. */
export const channelDeliverySchema = z.strictObject({
  /** Standard Webhooks endpoint for this channel, instead of --webhook-url. */
  webhook_url: z.string().url().optional(),
  /** Redis Stream key to append due sends to (Redis mode), instead of a webhook. */
  stream: z.string().min(1).optional(),
  /** Sends in flight at once per replica. */
  concurrency: z.number().int().positive().max(1000).optional(),
  /** Sends started per second (across the fleet in Redis mode); 0 = unlimited. */
  rate_per_second: finite.nonnegative().optional(),
  /** Attempts before a send is dead-lettered. */
  max_attempts: z.number().int().positive().max(100).optional(),
});

/** A delivery channel. */
export const channelSchema = z.strictObject({
  id: idSchema,
  /** Cost of one send in reward units (EUR): subtracted from rewards when learning. */
  cost: finite.nonnegative(),
  /** Per customer x channel frequency caps; all must hold. */
  caps: z.array(capSchema).default([]),
  /** Quiet hours in the customer's time zone. */
  quiet_hours: quietHoursSchema.optional(),
  /**
   * No recorded answer means: opt_in = no (needs an explicit yes), opt_out =
   * yes until refused. An explicit refusal always blocks. Default opt_in.
   */
  consent: z.enum(['opt_in', 'opt_out']).default('opt_in'),
  /** Delivery settings (sink, concurrency, rate, attempts); absent: the server's defaults. */
  delivery: channelDeliverySchema.optional(),
  description: z.string().optional(),
});

/**
 * When a send goes out: exactly one of `delay_minutes` (after the decision)
 * or `local_time` (next occurrence of that wall-clock time for the customer).
 */
export const slotSchema = z
  .strictObject({
    id: idSchema,
    /** Minutes after the decision; 0 is "now". */
    delay_minutes: finite.nonnegative().optional(),
    /** Local "HH:MM" in the customer's time zone (UTC when unknown). */
    local_time: timeSchema.optional(),
    description: z.string().optional(),
  })
  .superRefine((s, ctx) => {
    const given = Number(s.delay_minutes !== undefined) + Number(s.local_time !== undefined);
    if (given !== 1) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of delay_minutes or local_time' });
    }
  });

/** A cancelling event: the pending trigger is dropped when it arrives before the trigger fires. */
export const unlessSchema = z.strictObject({
  /** Event name: a built-in type (purchase) or a CUSTOM event's name. */
  event: idSchema,
  /** any (default): every such event cancels; item / category: only one about the starting event's item or category. */
  match: z.enum(['any', 'item', 'category']).default('any'),
});

/**
 * What makes the trigger fire on its own (journeys, docs/journeys.md): at once
 * on `event`; `after_minutes` after it unless an `unless` event arrives; or
 * after `inactive_days` without `event`. Absent: only Decide calls fire it.
 */
export const triggerRuleSchema = z
  .strictObject({
    /** Starting event: a built-in type in snake case (cart_add) or a CUSTOM event's name (order_shipped). */
    event: idSchema,
    /** Wait this long after the event (its own time), then fire unless cancelled. */
    after_minutes: finite.positive().optional(),
    /** Fire when `event` has not happened for this many days since its last occurrence. */
    inactive_days: finite.positive().optional(),
    /** Events that cancel a waiting trigger (with after_minutes). */
    unless: z.array(unlessSchema).default([]),
    /**
     * Re-entry limits: one pending trigger per `per` key (customer, the
     * event's item, or its category) at a time, and after a firing none again
     * for the same key within `cooldown_hours`.
     */
    reentry: z
      .strictObject({
        per: z.enum(['customer', 'item', 'category']).default('customer'),
        cooldown_hours: finite.nonnegative().default(0),
      })
      .default({ per: 'customer', cooldown_hours: 0 }),
  })
  .superRefine((r, ctx) => {
    if (r.after_minutes !== undefined && r.inactive_days !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give at most one of after_minutes or inactive_days' });
    }
    if (r.unless.length > 0 && r.after_minutes === undefined) {
      ctx.addIssue({ code: 'custom', path: ['unless'], message: 'unless needs after_minutes (nothing waits to be cancelled)' });
    }
  });

/** An event that asks for a decision. */
export const triggerSchema = z.strictObject({
  id: idSchema,
  /** Send slots offered for this trigger, by id; default: every slot. */
  slots: z.array(idSchema).min(1).optional(),
  /** Fire this trigger from customers' events (RecordEvent), with no client call. */
  when: triggerRuleSchema.optional(),
  description: z.string().optional(),
});

/** Extra action features; numeric values must be finite. */
export const featuresSchema = z.strictObject({
  numeric: z.record(z.string(), finite).default({}),
  categorical: z.record(z.string(), z.string()).default({}),
});

/** A message: content or an offer that may be sent. */
export const messageSchema = z.strictObject({
  id: idSchema,
  /** Trigger ids this message answers. */
  triggers: z.array(idSchema).min(1),
  /** Channel ids it may go on. */
  channels: z.array(idSchema).min(1),
  /** Merchandise category (feature, and cart/purchase suppression key). */
  category: z.string().min(1),
  /** Item ids it promotes: suppressed while in the cart or recently bought. */
  items: z.array(z.string().min(1)).default([]),
  /** Nominal order value of a conversion (a feature; rewards carry the real value). */
  value: finite.nonnegative(),
  /** Service messages pass marketing opt-out and open-ticket suppression. */
  service: z.boolean().default(false),
  /** Per customer x message caps. */
  caps: z.array(capSchema).default([]),
  /** Suppressions it is exempt from: cart reminders [cart], refills and care tips [purchase]. */
  exempt: z.array(z.enum(['cart', 'purchase'])).default([]),
  /** Action features; `numeric.discount` is a fraction in [0, 1). */
  features: featuresSchema.default({ numeric: {}, categorical: {} }),
  description: z.string().optional(),
});

/** Rule settings that are not per channel or message. */
export const rulesSchema = z.strictObject({
  /** Days a purchase suppresses promotions of its item and category. @defaultValue 30 */
  purchase_suppression_days: finite.nonnegative().default(30),
  /** Cart lines suppress promotions of their item only, or of their whole category. @defaultValue "category" */
  cart_suppression: z.enum(['item', 'category']).default('category'),
  /** Recent purchases suppress promotions of their item only, or of their whole category. @defaultValue "category" */
  purchase_suppression: z.enum(['item', 'category']).default('category'),
  /** A message ignored `ignored` times within `days` is suppressed for the customer. */
  fatigue: z
    .strictObject({ ignored: z.number().int().positive(), days: finite.positive() })
    .default({ ignored: 3, days: 14 }),
});

/** The whole file. */
export const catalogSchema = z.strictObject({
  /** Eligibility rule settings; every field has a default. */
  rules: rulesSchema.default({
    purchase_suppression_days: 30,
    cart_suppression: 'category',
    purchase_suppression: 'category',
    fatigue: { ignored: 3, days: 14 },
  }),
  /** Free-form version label, reported with decisions' model version. */
  version: z.union([z.string(), z.number()]).optional(),
  channels: z.array(channelSchema).min(1),
  send_slots: z.array(slotSchema).min(1),
  triggers: z.array(triggerSchema).min(1),
  messages: z.array(messageSchema).min(1),
  /** Micro-segments over the live profile and recent events (docs/segments.md). */
  segments: z.array(segmentSchema).default([]),
  /** Lifecycle stage boundaries that `lifecycle` conditions use. */
  lifecycle: lifecycleSchema.default({ new_days: 30, active_days: 30, lapsed_days: 90 }),
});

export type CatalogDoc = z.infer<typeof catalogSchema>;
export type MessageDoc = z.infer<typeof messageSchema>;

/**
 * Feature names Tact sets on every catalog candidate; a message must not
 * define them, or its value would silently lose to Tact's.
 */
export const RESERVED_CATEGORICAL = ['category', 'channel', 'slot', 'message'] as const;
export const RESERVED_NUMERIC = ['value'] as const;

/** Ids unique within a section; returns issues naming the later duplicate. */
function duplicateIds(section: string, items: readonly { id: string }[]): CatalogIssue[] {
  const first = new Map<string, number>();
  const issues: CatalogIssue[] = [];
  items.forEach((item, i) => {
    const seen = first.get(item.id);
    if (seen === undefined) first.set(item.id, i);
    else {
      issues.push({
        path: [section, i, 'id'],
        message: `duplicate id "${item.id}" (first defined at ${section}[${seen}])`,
      });
    }
  });
  return issues;
}

/** Every entry of `refs` must be a known id, and listed once. */
function unknownRefs(
  path: DocPath,
  refs: readonly string[],
  known: ReadonlySet<string>,
  kind: string,
): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  const seen = new Set<string>();
  refs.forEach((ref, i) => {
    if (!known.has(ref)) issues.push({ path: [...path, i], message: `unknown ${kind} "${ref}"` });
    else if (seen.has(ref)) issues.push({ path: [...path, i], message: `${kind} "${ref}" listed twice` });
    seen.add(ref);
  });
  return issues;
}

function messageIssues(
  m: MessageDoc,
  i: number,
  channels: ReadonlySet<string>,
  triggers: ReadonlySet<string>,
): CatalogIssue[] {
  const at = ['messages', i] as const;
  const issues = [
    ...unknownRefs([...at, 'channels'], m.channels, channels, 'channel'),
    ...unknownRefs([...at, 'triggers'], m.triggers, triggers, 'trigger'),
  ];
  if (m.id === NO_SEND_ID) {
    issues.push({ path: [...at, 'id'], message: `"${NO_SEND_ID}" is reserved for the no-send action` });
  }
  for (const name of RESERVED_CATEGORICAL) {
    if (name in m.features.categorical) {
      issues.push({
        path: [...at, 'features', 'categorical', name],
        message: `"${name}" is reserved: Tact sets it on every candidate`,
      });
    }
  }
  for (const name of RESERVED_NUMERIC) {
    if (name in m.features.numeric) {
      issues.push({
        path: [...at, 'features', 'numeric', name],
        message: `"${name}" is reserved: Tact sets it from the message's value`,
      });
    }
  }
  const discount = m.features.numeric['discount'];
  if (discount !== undefined && !(discount >= 0 && discount < 1)) {
    issues.push({
      path: [...at, 'features', 'numeric', 'discount'],
      message: `discount ${discount} is not a fraction in [0, 1) (write 0.15 for 15% off)`,
    });
  }
  return issues;
}

/** What zod cannot check field by field: uniqueness and references between sections. */
export function crossReferenceIssues(doc: CatalogDoc): CatalogIssue[] {
  const channelIds = new Set(doc.channels.map((c) => c.id));
  const slotIds = new Set(doc.send_slots.map((s) => s.id));
  const triggerIds = new Set(doc.triggers.map((t) => t.id));
  const issues: CatalogIssue[] = [
    ...duplicateIds('channels', doc.channels),
    ...duplicateIds('send_slots', doc.send_slots),
    ...duplicateIds('triggers', doc.triggers),
    ...duplicateIds('messages', doc.messages),
    ...duplicateIds('segments', doc.segments),
  ];
  doc.segments.forEach((seg, i) => {
    for (const list of ['all', 'any', 'none'] as const) {
      seg[list].forEach((c, j) => {
        if (c.consent && !channelIds.has(c.consent.channel)) {
          issues.push({ path: ['segments', i, list, j, 'consent', 'channel'], message: `unknown channel "${c.consent.channel}"` });
        }
      });
    }
  });
  doc.triggers.forEach((t, i) => {
    if (t.slots) issues.push(...unknownRefs(['triggers', i, 'slots'], t.slots, slotIds, 'send slot'));
  });
  doc.messages.forEach((m, i) => issues.push(...messageIssues(m, i, channelIds, triggerIds)));
  return issues;
}

/** `messages[3].channels[1]`: the path as a reader would write it. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out === '' ? '(root)' : out;
}
