import type { Catalog, ChannelSpec, FrequencyCap, MessageSpec } from '../catalog/catalog.js';
import { channelCapKey, countForCap, messageCapKey } from '../domain/caps.js';
import type { CapCheck, SendRecord, SendReservation } from '../domain/customer.js';
import type { Candidate } from '../domain/decision.js';
import { HOUR_MS, type Rule } from './rule.js';

function toChecks(key: string, caps: readonly FrequencyCap[]): CapCheck[] {
  return caps.map((c) => ({ key, max: c.max, windowMs: c.windowHours * HOUR_MS }));
}

// Built once per catalog entry (specs are frozen and replaced on reload).
const channelChecks = new WeakMap<ChannelSpec, readonly CapCheck[]>();
const messageChecks = new WeakMap<MessageSpec, readonly CapCheck[]>();
const NONE: readonly CapCheck[] = Object.freeze([]);

function checksOf<T extends ChannelSpec | MessageSpec>(
  cache: WeakMap<T, readonly CapCheck[]>,
  spec: T | undefined,
  key: (id: string) => string,
): readonly CapCheck[] {
  if (!spec) return NONE;
  let checks = cache.get(spec);
  if (!checks) cache.set(spec, (checks = Object.freeze(toChecks(key(spec.id), spec.caps))));
  return checks;
}

/** Every cap a send must respect: the channel's (customer x channel) and the message's. */
export function capChecks(channel: ChannelSpec | undefined, message: MessageSpec | undefined): CapCheck[] {
  return [...checksOf(channelChecks, channel, channelCapKey), ...checksOf(messageChecks, message, messageCapKey)];
}

/**
 * Frequency caps against the sends already recorded for the customer. This
 * check keeps hopeless candidates out of the PMF; the atomic reservation
 * after sampling (src/decision/arbitrate.ts) is what makes the cap hold under
 * concurrent decisions.
 */
export const frequencyCapRule: Rule = {
  name: 'frequency_cap',
  check({ candidate, channel, message }, { state }) {
    if (candidate.noSend || state.sends.length === 0) return undefined;
    return (
      overCap(state.sends, checksOf(channelChecks, channel, channelCapKey), candidate.sendAt) ??
      overCap(state.sends, checksOf(messageChecks, message, messageCapKey), candidate.sendAt)
    );
  },
};

function overCap(sends: readonly SendRecord[], checks: readonly CapCheck[], at: number): string | undefined {
  for (const cap of checks) {
    const n = countForCap(sends, cap, at);
    if (n >= cap.max) return reasonFor(cap, n);
  }
  return undefined;
}

/**
 * The reason text per cap and count, kept: a customer at a cap has every
 * candidate on that channel removed with the same words, K times per Decide.
 */
const reasons = new WeakMap<CapCheck, { n: number; text: string }>();

function reasonFor(cap: CapCheck, n: number): string {
  const last = reasons.get(cap);
  if (last && last.n === n) return last.text;
  const text = `${cap.key}: ${n} send(s) within ${cap.windowMs / HOUR_MS}h of the send time, cap ${cap.max}`;
  reasons.set(cap, { n, text });
  return text;
}

/**
 * The sends chosen candidates would make, each with every cap it must
 * respect, for the store's atomic reservation. No-send and channel-less
 * client candidates send nothing; `choiceIndex[i]` is the choice behind
 * reservation i.
 */
export function capReservations(
  catalog: Catalog,
  choices: readonly Candidate[],
): { readonly reservations: SendReservation[]; readonly choiceIndex: number[] } {
  const reservations: SendReservation[] = [];
  const choiceIndex: number[] = [];
  choices.forEach((c, i) => {
    if (c.noSend || !c.channel) return;
    reservations.push({
      send: { channel: c.channel, messageId: c.messageId, at: c.sendAt },
      caps: capChecks(catalog.channels.get(c.channel), c.messageId ? catalog.messages.get(c.messageId) : undefined),
    });
    choiceIndex.push(i);
  });
  return { reservations, choiceIndex };
}
