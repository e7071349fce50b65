import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { TactError } from '../core/errors.js';
import type {
  Catalog,
  ChannelDeliverySpec,
  ChannelSpec,
  FrequencyCap,
  MessageSpec,
  SendSlot,
  TriggerRule,
  TriggerSpec,
} from './catalog.js';
import {
  catalogSchema,
  crossReferenceIssues,
  formatPath,
  type CatalogDoc,
  type CatalogIssue,
  type DocPath,
} from './schema.js';
import { parseHhMm } from './time.js';
import { toLifecycle, toSegment } from './segment-schema.js';

/** A catalog that failed to parse or validate; `issues` lists every problem, one per line. */
export class CatalogError extends TactError {
  constructor(
    readonly source: string,
    readonly issues: readonly string[],
  ) {
    super('invalid_argument', `invalid catalog ${source}:\n  ${issues.join('\n  ')}`);
    this.name = 'CatalogError';
  }
}

/** Read, validate and index a catalog file. Throws CatalogError naming every problem. */
export async function loadCatalog(path: string): Promise<Catalog> {
  return parseCatalog(await readFile(path, 'utf8'), path);
}

/** Validate and index catalog YAML text; `sourceName` only labels errors. */
export function parseCatalog(yamlText: string, sourceName = 'catalog'): Catalog {
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new CatalogError(
      sourceName,
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return `line ${pos.line}, column ${pos.col}: ${e.message.split('\n')[0] ?? e.message}`;
      }),
    );
  }
  const parsed = catalogSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
      message: i.message,
    }));
    throw new CatalogError(sourceName, describe(issues, doc, lines));
  }
  const crossIssues = crossReferenceIssues(parsed.data);
  if (crossIssues.length > 0) throw new CatalogError(sourceName, describe(crossIssues, doc, lines));
  return buildCatalog(parsed.data);
}

/** "messages[3].channels[1]: unknown channel "fax" (line 57)". */
function describe(issues: readonly CatalogIssue[], doc: Document, lines: LineCounter): string[] {
  return issues.map((issue) => {
    const line = lineOf(doc, lines, issue.path);
    return `${formatPath(issue.path)}: ${issue.message}${line === undefined ? '' : ` (line ${line})`}`;
  });
}

/** Line of the deepest node on `path` that exists: a missing key points at its parent. */
function lineOf(doc: Document, lines: LineCounter, path: DocPath): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

const caps = (list: readonly { max: number; window_hours: number }[]): FrequencyCap[] =>
  list.map((c) => ({ max: c.max, windowHours: c.window_hours }));

function toSlot(s: CatalogDoc['send_slots'][number]): SendSlot {
  if (s.local_time !== undefined) {
    // Validated already; parsing here makes a bad time fail at load, never per call.
    parseHhMm(s.local_time);
    return { id: s.id, kind: 'local_time', time: s.local_time };
  }
  return { id: s.id, kind: 'delay', minutes: s.delay_minutes ?? 0 };
}

function toDelivery(d: NonNullable<CatalogDoc['channels'][number]['delivery']>): ChannelDeliverySpec {
  return Object.freeze({
    ...(d.webhook_url !== undefined ? { webhookUrl: d.webhook_url } : {}),
    ...(d.stream !== undefined ? { stream: d.stream } : {}),
    ...(d.concurrency !== undefined ? { concurrency: d.concurrency } : {}),
    ...(d.rate_per_second !== undefined ? { ratePerSecond: d.rate_per_second } : {}),
    ...(d.max_attempts !== undefined ? { maxAttempts: d.max_attempts } : {}),
  });
}

function toTriggerRule(w: NonNullable<CatalogDoc['triggers'][number]['when']>): TriggerRule {
  const kind = w.after_minutes !== undefined ? 'delay' : w.inactive_days !== undefined ? 'inactivity' : 'at_once';
  const afterMs = (w.after_minutes ?? 0) * 60_000 + (w.inactive_days ?? 0) * 86_400_000;
  return Object.freeze({
    event: w.event,
    kind,
    afterMs,
    unless: w.unless.map((u) => Object.freeze({ event: u.event, match: u.match })),
    reentry: Object.freeze({ per: w.reentry.per, cooldownMs: w.reentry.cooldown_hours * 3_600_000 }),
  });
}

/** Turn a validated document into the indexed, frozen Catalog. */
export function buildCatalog(doc: CatalogDoc): Catalog {
  const channels = new Map<string, ChannelSpec>();
  for (const c of doc.channels) {
    channels.set(
      c.id,
      Object.freeze({
        id: c.id,
        cost: c.cost,
        consent: c.consent,
        caps: caps(c.caps),
        ...(c.quiet_hours ? { quietHours: { ...c.quiet_hours } } : {}),
        ...(c.delivery ? { delivery: toDelivery(c.delivery) } : {}),
      }),
    );
  }
  const slots = new Map<string, SendSlot>(doc.send_slots.map((s) => [s.id, Object.freeze(toSlot(s))]));
  const allSlotIds = doc.send_slots.map((s) => s.id);
  const triggers = new Map<string, TriggerSpec>(
    doc.triggers.map((t) => [
      t.id,
      Object.freeze({ id: t.id, slots: t.slots ?? allSlotIds, ...(t.when ? { when: toTriggerRule(t.when) } : {}) }),
    ]),
  );
  const messages = new Map<string, MessageSpec>();
  const byTrigger = new Map<string, MessageSpec[]>(doc.triggers.map((t) => [t.id, []]));
  for (const m of doc.messages) {
    const spec: MessageSpec = Object.freeze({
      id: m.id,
      triggers: m.triggers,
      channels: m.channels,
      category: m.category,
      items: m.items,
      value: m.value,
      service: m.service,
      caps: caps(m.caps),
      exempt: m.exempt,
      features: { numeric: { ...m.features.numeric }, categorical: { ...m.features.categorical } },
    });
    messages.set(m.id, spec);
    for (const t of m.triggers) byTrigger.get(t)?.push(spec);
  }
  const none: readonly MessageSpec[] = Object.freeze([]);
  return {
    rules: Object.freeze({
      purchaseSuppressionDays: doc.rules.purchase_suppression_days,
      cartSuppression: doc.rules.cart_suppression,
      purchaseSuppression: doc.rules.purchase_suppression,
      fatigue: Object.freeze({ ignored: doc.rules.fatigue.ignored, days: doc.rules.fatigue.days }),
    }),
    channels,
    messages,
    slots,
    triggers,
    messagesFor: (trigger: string) => byTrigger.get(trigger) ?? none,
    segments: new Map(doc.segments.map((seg) => [seg.id, toSegment(seg)])),
    lifecycle: toLifecycle(doc.lifecycle),
  };
}
