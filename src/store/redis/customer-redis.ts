import { uniqueId } from '../../core/unique-id.js';
import type { RedisClient } from './client.js';
import type { Features } from '../../domain/features.js';
import type {
  ConsentState,
  CustomerEvent,
  CustomerState,
  ItemEvent,
  SendRecord,
  SendReservation,
} from '../store.js';
import type { RedisKeys } from './keys.js';
import { runScript } from './scripts.js';
import { emptyCustomerState, NO_CONSENT } from '../../domain/customer-state.js';
import { tactError } from '../../core/errors.js';

/** A hash as HGETALL returns it from Lua (field, value, field, value...), as a record. */
function pairs(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i] as string] = flat[i + 1] as string;
  return out;
}

/** Field separator inside sends zset members (a control char no id contains). */
const SEP = '\x1f';

/**
 * The CustomerStore half of the Redis adapter. Each write is one command or
 * one Lua script on the customer's slot; reads are one pipeline.
 */
export class RedisCustomers {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    /** How far back purchases, sends and ignored messages are kept (the longest rule window). */
    private readonly retentionMs: number,
  ) {}

  /** Everything kept: histories are trimmed on write, behind the customer's newest event (as in memory). */
  async load(customerId: string): Promise<CustomerState> {
    return (await this.loadWith(customerId, undefined)).state;
  }

  /**
   * The customer and, when `requestKeys` are given, the value of the first
   * of them that holds one, in one script: the request id's answer, in the
   * customer's slot, then (on one Redis only) where earlier versions kept it.
   */
  async loadWith(customerId: string, requestKeys: readonly string[] | undefined): Promise<{ state: CustomerState; request: string | undefined }> {
    const k = this.keys;
    const keys = [
      k.profile(customerId),
      k.consent(customerId),
      k.cart(customerId),
      k.purchases(customerId),
      k.tickets(customerId),
      k.sends(customerId),
      k.ignored(customerId),
    ];
    const parts = requestKeys === undefined ? 7 : 8;
    const reply = requestKeys === undefined ? await runScript(this.redis, 'loadCustomer', keys, []) : await runScript(this.redis, 'loadDecide', [...keys, ...requestKeys], []);
    if (!Array.isArray(reply) || reply.length !== parts) throw tactError('STORE_PROTOCOL', 'load-customer script returned an unexpected reply');
    const [profileFlat, consentFlat, cartFlat, purchases, ticketList, sends, ignored, request] = reply as [string[], string[], string[], string[], string[], string[], string[], string[] | undefined];
    return { state: this.decode(customerId, profileFlat, consentFlat, cartFlat, purchases, ticketList, sends, ignored), request: request?.[0] };
  }

  private decode(
    customerId: string,
    profileFlat: string[],
    consentFlat: string[],
    cartFlat: string[],
    purchases: string[],
    ticketList: string[],
    sends: string[],
    ignored: string[],
  ): CustomerState {
    const profile = pairs(profileFlat);
    const consent = pairs(consentFlat);
    const cart = pairs(cartFlat);
    const tickets = ticketList[0] ?? null;
    return {
      customerId,
      profile: decodeProfile(profile),
      consent: decodeConsent(consent),
      // Hash order is arbitrary; time order is what a list would have kept.
      cart: Object.values(cart)
        .map((json): ItemEvent => {
          const e = JSON.parse(json) as { i: string; c: string; a: number };
          return { itemId: e.i, category: e.c, at: e.a };
        })
        .sort((a, b) => a.at - b.at),
      purchases: purchases.map((json): ItemEvent => {
        const e = JSON.parse(json) as { i: string; c: string; a: number };
        return { itemId: e.i, category: e.c, at: e.a };
      }),
      openTickets: tickets === null ? 0 : Number(tickets),
      sends: sends.map(decodeSend),
      ignored: ignored.map((json) => {
        const e = JSON.parse(json) as { m: string; a: number; c?: string };
        return e.c ? { messageId: e.m, at: e.a, channel: e.c } : { messageId: e.m, at: e.a };
      }),
    };
  }

  async recordEvent(customerId: string, event: CustomerEvent): Promise<void> {
    const k = this.keys;
    await runScript(
      this.redis,
      'recordEvent',
      [
        k.profile(customerId),
        k.consent(customerId),
        k.cart(customerId),
        k.purchases(customerId),
        k.tickets(customerId),
        k.ignored(customerId),
        k.sends(customerId),
      ],
      [
        event.type,
        event.at,
        event.itemId ?? '',
        event.category ?? '',
        event.messageId ?? '',
        event.channel ?? '',
        JSON.stringify(encodeProfile(event.attributes)),
        this.retentionMs,
        uniqueId(),
      ],
    );
  }

  async setConsent(customerId: string, patch: Partial<ConsentState>): Promise<void> {
    const fields: Record<string, string> = {};
    for (const [channel, allowed] of Object.entries(patch.channels ?? {})) fields[`ch:${channel}`] = allowed ? '1' : '0';
    if (patch.optOut !== undefined) fields.optOut = patch.optOut ? '1' : '0';
    if (patch.preferredChannel !== undefined) fields.preferredChannel = patch.preferredChannel;
    if (patch.timeZone !== undefined) fields.timeZone = patch.timeZone;
    if (patch.unreachable !== undefined) fields.unreachable = JSON.stringify(patch.unreachable);
    if (Object.keys(fields).length > 0) await this.redis.hset(this.keys.consent(customerId), fields);
  }

  async reserveSends(customerId: string, reservations: readonly SendReservation[]): Promise<number> {
    if (reservations.length === 0) return -1;
    const reply = await runScript(this.redis, 'reserve', [this.keys.sends(customerId)], this.reserveArgs(reservations));
    return Number(reply);
  }

  /** The reserve script's ARGV (reserve.lib.lua): the reservations as JSON and the retention. */
  reserveArgs(reservations: readonly SendReservation[]): [string, number] {
    const batch = reservations.map((r) => ({
      c: r.send.channel,
      m: r.send.messageId,
      a: r.send.at,
      u: uniqueId(),
      caps: r.caps.map((cap) => ({ k: cap.key, max: cap.max, w: cap.windowMs })),
    }));
    return [JSON.stringify(batch), this.retentionMs];
  }
}

function encodeProfile(attributes: Features | undefined): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  if (!attributes) return out;
  for (const [name, value] of Object.entries(attributes.numeric)) out[`n:${name}`] = value;
  for (const [name, value] of Object.entries(attributes.categorical)) out[`c:${name}`] = value;
  return out;
}

function decodeProfile(hash: Record<string, string>): Features {
  const numeric: Record<string, number> = {};
  const categorical: Record<string, string> = {};
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith('n:')) numeric[field.slice(2)] = Number(value);
    else if (field.startsWith('c:')) categorical[field.slice(2)] = value;
  }
  return { numeric, categorical };
}

function decodeConsent(hash: Record<string, string>): ConsentState {
  const channels: Record<string, boolean> = {};
  for (const [field, value] of Object.entries(hash)) if (field.startsWith('ch:')) channels[field.slice(3)] = value === '1';
  return {
    channels,
    optOut: hash.optOut === '1',
    preferredChannel: hash.preferredChannel ?? '',
    timeZone: hash.timeZone ?? '',
    unreachable: hash.unreachable ? (JSON.parse(hash.unreachable) as string[]) : [],
  };
}

function decodeSend(member: string): SendRecord {
  const [channel = '', messageId = '', at = '0'] = member.split(SEP);
  return { channel, messageId, at: Number(at) };
}
