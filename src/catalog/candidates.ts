import { notFound, quote } from '../core/errors.js';
import { NO_SEND_ID, type Candidate } from '../domain/decision.js';
import type { Features } from '../domain/features.js';
import type { Catalog, MessageSpec, SendSlot } from './catalog.js';
import { nextLocalMinute, parseHhMm } from './time.js';

/**
 * Catalog candidates for a trigger: every message answering it x its channels
 * x the trigger's send slots, plus no-send. This runs on every Decide with K
 * in the hundreds, so everything that does not depend on the call (ids,
 * features, costs) is built once per catalog; a call only computes each
 * slot's send time and copies K small objects.
 */

/** The call-independent part of a candidate: all but sendAt. */
type Template = Omit<Candidate, 'sendAt'>;

/** How a slot turns the decision time into a send time, parsed once. */
type SlotTiming = { readonly kind: 'delay'; readonly ms: number } | { readonly kind: 'local'; readonly minute: number };

interface SlotGroup {
  readonly timing: SlotTiming;
  readonly templates: readonly Template[];
}

interface TriggerPlan {
  readonly groups: readonly SlotGroup[];
  readonly size: number;
}

/**
 * No-send is the catalog's action on no channel: described like the sends
 * (channel "none"), so the learner that scores the sends scores it too, on
 * the same scale, and learns when holding back pays from the context.
 */
const NO_SEND_FEATURES: Features = Object.freeze({
  numeric: Object.freeze({}),
  categorical: Object.freeze({ channel: 'none' }),
});

const NO_SEND_TEMPLATE: Template = Object.freeze({
  id: NO_SEND_ID,
  channel: '',
  messageId: '',
  sendSlot: '',
  noSend: true,
  cost: 0,
  features: NO_SEND_FEATURES,
});

/** The id of a catalog candidate: "message:channel:slot". */
export const candidateId = (messageId: string, channel: string, slot: string): string =>
  `${messageId}:${channel}:${slot}`;

/** Message features plus what identifies the action; frozen, shared by every call. */
export function candidateFeatures(message: MessageSpec, channel: string, slot: string): Features {
  const numeric: Record<string, number> = { ...message.features.numeric, value: message.value };
  const categorical: Record<string, string> = {
    ...message.features.categorical,
    category: message.category,
    channel,
    slot,
    message: message.id,
  };
  return Object.freeze({ numeric: Object.freeze(numeric), categorical: Object.freeze(categorical) });
}

function slotTiming(slot: SendSlot): SlotTiming {
  return slot.kind === 'delay'
    ? { kind: 'delay', ms: slot.minutes * 60_000 }
    : { kind: 'local', minute: parseHhMm(slot.time) };
}

function planTrigger(catalog: Catalog, trigger: string, slotIds: readonly string[]): TriggerPlan {
  const messages = catalog.messagesFor(trigger);
  const groups: SlotGroup[] = [];
  let size = 1;
  for (const slotId of slotIds) {
    const slot = catalog.slots.get(slotId);
    if (!slot) continue; // validated at load; a hand-built catalog may still be sloppy
    const templates: Template[] = [];
    for (const m of messages) {
      for (const channel of m.channels) {
        const spec = catalog.channels.get(channel);
        if (!spec) continue;
        templates.push(
          Object.freeze({
            id: candidateId(m.id, channel, slotId),
            channel,
            messageId: m.id,
            sendSlot: slotId,
            noSend: false,
            cost: spec.cost,
            features: candidateFeatures(m, channel, slotId),
          }),
        );
      }
    }
    groups.push({ timing: slotTiming(slot), templates });
    size += templates.length;
  }
  return { groups, size };
}

// Keyed by the catalog object: a reload builds a new catalog, so stale plans
// can never be served and are collected with their catalog.
const plans = new WeakMap<Catalog, Map<string, TriggerPlan>>();

function plansFor(catalog: Catalog): Map<string, TriggerPlan> {
  let byTrigger = plans.get(catalog);
  if (!byTrigger) {
    byTrigger = new Map();
    for (const [id, t] of catalog.triggers) byTrigger.set(id, planTrigger(catalog, id, t.slots));
    plans.set(catalog, byTrigger);
  }
  return byTrigger;
}

/**
 * Build the per-trigger plans now rather than on the first Decide. Call it
 * right after loading a catalog so the first request pays nothing extra.
 */
export function prepareCandidates(catalog: Catalog): void {
  plansFor(catalog);
}

function sendTime(timing: SlotTiming, atMs: number, timeZone: string): number {
  return timing.kind === 'delay' ? atMs + timing.ms : nextLocalMinute(atMs, timing.minute, timeZone);
}

/**
 * Pipeline step 2 (a Decide without client candidates): candidates for
 * `trigger` at `atMs` for a customer in `timeZone` (IANA name; empty means
 * UTC). The no-send candidate comes last. Throws NOT_FOUND on a trigger the
 * catalog does not define.
 */
export function catalogCandidates(
  catalog: Catalog,
  trigger: string,
  atMs: number,
  timeZone = 'UTC',
): Candidate[] {
  const plan = plansFor(catalog).get(trigger);
  if (!plan) throw notFound('trigger', `unknown trigger ${quote(trigger)}`);
  const out = new Array<Candidate>(plan.size);
  let k = 0;
  for (const group of plan.groups) {
    const sendAt = sendTime(group.timing, atMs, timeZone);
    for (const t of group.templates) out[k++] = { ...t, sendAt };
  }
  out[k] = { ...NO_SEND_TEMPLATE, sendAt: atMs };
  return out;
}
