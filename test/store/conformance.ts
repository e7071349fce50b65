import { describe, expect, it } from 'vitest';
import { ManualClock, type Clock } from '../../src/core/clock.js';
import type { Decision } from '../../src/domain/decision.js';
import type { LedgerPolicy } from '../../src/store/ledger.js';
import { features } from '../../src/domain/features.js';
import type { DecisionRecord, LearningUpdate, SendReservation, TactStore } from '../../src/store/store.js';

/** What one adapter gives the suite: a fresh, empty store per test. */
export interface StoreFixture {
  readonly store: TactStore;
  /** A second replica on the same state (fleet adapters only). */
  readonly peer?: TactStore;
  /** Anything still stored under this customer id (keys, index entries). */
  residue(customerId: string): Promise<string[]>;
  cleanup(): Promise<void>;
}

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const WINDOW = 60_000;

function record(id: string, overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    decisionId: id,
    customerId: 'cust-1',
    policy: 'default',
    at: T0,
    expiresAt: T0 + WINDOW,
    context: features({ age: 31 }, { segment: 'vip' }),
    choices: [
      { actionId: 'a', channel: 'email', messageId: 'm1', cost: 0.1, probability: 0.6, features: features({ discount: 10 }) },
      { actionId: 'b', channel: 'sms', messageId: 'm2', cost: 0.5, probability: 0.3, features: features() },
    ],
    holdout: false,
    learn: true,
    combine: 'sum',
    ...overrides,
  };
}

function decisionOf(r: DecisionRecord): Decision {
  return {
    decisionId: r.decisionId,
    customerId: r.customerId,
    policy: r.policy,
    modelVersion: 'default@0',
    at: r.at,
    choices: [],
    removed: [],
    holdout: false,
  };
}

function update(customerId: string, reward: number, extra: Partial<LearningUpdate> = {}): LearningUpdate {
  return {
    policy: 'default',
    customerId,
    decisionId: `d-${reward}`,
    context: features({ x: reward }),
    actionId: 'a',
    actionFeatures: features(),
    reward,
    ...extra,
  };
}

const until = async (check: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** What a test may set on a fresh store: its clock and ledger retention. */
export interface StoreOptions {
  readonly clock?: Clock;
  readonly ledger?: Partial<LedgerPolicy>;
}

/** The one suite every TactStore adapter passes. */
/**
 * `replicas`: the adapter is shared by replicas (Redis), so its fixture must
 * give a `peer` and the multi-replica tests run; for a single-process adapter
 * they are reported skipped, never passed without running.
 */
export function storeConformance(name: string, open: (options?: StoreOptions) => Promise<StoreFixture>, options: { readonly replicas: boolean } = { replicas: false }): void {
  const fleetIt = options.replicas ? it : it.skip;
  /** The fixture's second replica; a fleet adapter without one is a broken fixture, not a pass. */
  const peerOf = (f: StoreFixture): TactStore => {
    if (!f.peer) throw new Error(`${name}: a replicated adapter's fixture must give a peer`);
    return f.peer;
  };
  describe(`TactStore conformance: ${name}`, () => {
    const withStore = (fn: (f: StoreFixture) => Promise<void>, options?: StoreOptions) => async () => {
      const f = await open(options);
      try {
        await fn(f);
      } finally {
        await f.cleanup();
      }
    };

    describe('decisions', () => {
      it('finds a decision by request id while its window lasts', withStore(async ({ store }) => {
        const r = record('d1');
        await store.saveDecision(r, decisionOf(r), 'req-1');
        expect(await store.findByRequestId('cust-1', 'req-1')).toEqual(decisionOf(r));
        expect(await store.findByRequestId('cust-1', 'req-2')).toBeUndefined();
        expect(await store.countDecisions()).toBe(1);
      }));

      it('reads the customer and a request id\'s earlier answer in one call as the two side by side', withStore(async ({ store, peer }) => {
        const combined = store.loadForDecide?.bind(store);
        if (!combined) return;
        const r = record('d-lfd', { customerId: 'lfd' });
        await store.recordEvent('lfd', { type: 'cart_add', at: T0, itemId: 'i1', category: 'shoes' });
        await store.saveDecision(r, decisionOf(r), 'req-lfd');
        for (const s of peer ? [store, peer] : [store]) {
          const read = s.loadForDecide?.bind(s);
          if (!read) throw new Error('a replica of this adapter lacks loadForDecide');
          const { state, earlier } = await read('lfd', T0, 'req-lfd');
          expect(earlier).toEqual(decisionOf(r));
          expect(state).toEqual(await s.loadCustomer('lfd', T0));
          expect(state.cart.map((i) => i.itemId)).toEqual(['i1']);
          expect(await read('lfd', T0, 'req-other')).toEqual({ state, earlier: undefined });
        }
      }));

      it('finds a held decision by id (receipts and delivery join to it)', withStore(async ({ store, peer }) => {
        const r = record('d-find');
        await store.saveDecision(r, decisionOf(r));
        expect(await store.findDecision('d-find')).toEqual(r);
        if (peer) expect(await peer.findDecision('d-find')).toEqual(r);
        expect(await store.findDecision('d-other')).toBeUndefined();
      }));

      it('joins rewards: first choice by default, summed, idempotent per event id', withStore(async ({ store }) => {
        const r = record('d1');
        await store.saveDecision(r, decisionOf(r));
        const first = await store.joinReward({ decisionId: 'd1', actionId: '', value: 2, eventId: 'e1', now: T0 + 1 });
        expect(first).toMatchObject({ status: 'joined', actionId: 'a', total: 2 });
        expect(first.status === 'joined' && first.previousTotal).toBeUndefined();
        expect(first.status === 'joined' && first.record).toEqual(r);
        expect(await store.joinReward({ decisionId: 'd1', actionId: 'a', value: 5, eventId: 'e1', now: T0 + 2 })).toEqual({ status: 'duplicate' });
        expect(await store.joinReward({ decisionId: 'd1', actionId: 'a', value: 0.25, eventId: 'e2', now: T0 + 3 })).toMatchObject({
          status: 'joined',
          actionId: 'a',
          previousTotal: 2,
          total: 2.25,
        });
        expect(await store.joinReward({ decisionId: 'd1', actionId: 'b', value: 1, now: T0 + 4 })).toMatchObject({ status: 'joined', actionId: 'b', total: 1 });
      }));

      it('keeps the first reward only under combine "first"', withStore(async ({ store }) => {
        const r = record('d1', { combine: 'first' });
        await store.saveDecision(r, decisionOf(r));
        expect(await store.joinReward({ decisionId: 'd1', actionId: 'a', value: 1, now: T0 })).toMatchObject({ status: 'joined', total: 1 });
        expect(await store.joinReward({ decisionId: 'd1', actionId: 'a', value: 3, now: T0 })).toMatchObject({ status: 'ignored' });
      }));

      it('tells unknown, expired and unknown-action rewards apart', withStore(async ({ store }) => {
        const r = record('d1');
        await store.saveDecision(r, decisionOf(r));
        expect(await store.joinReward({ decisionId: 'nope', actionId: '', value: 1, now: T0 })).toEqual({ status: 'unknown' });
        expect(await store.joinReward({ decisionId: 'd1', actionId: '', value: 1, now: T0 + WINDOW })).toEqual({ status: 'expired' });
        expect(await store.joinReward({ decisionId: 'd1', actionId: 'zzz', value: 1, now: T0 })).toMatchObject({ status: 'unknown_action' });
      }));

      it('hands each expired decision to exactly one caller, with its unrewarded actions', withStore(async ({ store, peer }) => {
        const ids = Array.from({ length: 30 }, (_, i) => `d${i}`);
        for (const [i, id] of ids.entries()) {
          const r = record(id, { expiresAt: T0 + WINDOW + i });
          await store.saveDecision(r, decisionOf(r));
        }
        await store.joinReward({ decisionId: 'd3', actionId: 'b', value: 1, now: T0 });
        const other = peer ?? store;
        const now = T0 + WINDOW + 19; // d0..d19 are due
        const batches = await Promise.all([store.takeExpired(now, 7), other.takeExpired(now, 7), store.takeExpired(now, 7), other.takeExpired(now, 7)]);
        const taken = batches.flat().map((e) => e.record.decisionId);
        expect(new Set(taken).size).toBe(taken.length);
        expect(taken.sort()).toEqual(ids.slice(0, 20).sort());
        const d3 = batches.flat().find((e) => e.record.decisionId === 'd3');
        expect(d3?.unrewardedActions).toEqual(['a']);
        expect(await store.takeExpired(now, 100)).toEqual([]);
        expect(await store.countDecisions()).toBe(10);
      }));

      it('marks an action engaged once and closes the window with its totals and engagement', withStore(async ({ store, peer }) => {
        const r = record('d-engaged');
        await store.saveDecision(r, decisionOf(r));
        const other = peer ?? store;
        expect(await store.markEngaged('d-engaged', 'b')).toBe('first');
        expect(await other.markEngaged('d-engaged', 'b')).toBe('again');
        expect(await store.markEngaged('d-engaged', 'zzz')).toBe('unknown');
        expect(await store.markEngaged('d-none', 'a')).toBe('unknown');
        // An unknown choice or decision leaves nothing behind: the window closes as before.
        expect(await store.findDecision('d-none')).toBeUndefined();
        await store.joinReward({ decisionId: 'd-engaged', actionId: 'b', value: 1.5, now: T0 });
        await store.joinReward({ decisionId: 'd-engaged', actionId: 'b', value: 0.25, now: T0 });
        const [closed, ...more] = await other.takeExpired(T0 + WINDOW, 10);
        expect(more).toEqual([]);
        expect(closed?.unrewardedActions).toEqual(['a']);
        expect([...(closed?.totals ?? [])]).toEqual([['b', 1.75]]);
        expect(closed?.engagedActions).toEqual(['b']);
        expect(await store.markEngaged('d-engaged', 'b')).toBe('unknown');
      }));
    });

    describe('update bus', () => {
      it('delivers every update, in publish order, to its own subscriber', withStore(async ({ store }) => {
        const seen: number[] = [];
        store.subscribe((u) => seen.push(u.reward));
        for (let i = 0; i < 20; i++) await store.publish(update('c1', i));
        await until(() => seen.length === 20);
        expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
      }));

      fleetIt('gives every replica the same order, whoever published', withStore(async (f) => {
        const { store } = f;
        const peer = peerOf(f);
        const a: number[] = [];
        const b: number[] = [];
        store.subscribe((u) => a.push(u.reward));
        peer.subscribe((u) => b.push(u.reward));
        await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? store : peer).publish(update('c1', i))));
        await until(() => a.length === 40 && b.length === 40);
        expect(a).toEqual(b);
        expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      }));
    });

    describe('customer state', () => {
      it('starts empty', withStore(async ({ store }) => {
        const c = await store.loadCustomer('new', T0);
        expect(c).toMatchObject({ customerId: 'new', cart: [], purchases: [], openTickets: 0, sends: [], ignored: [] });
        expect(c.profile).toEqual({ numeric: {}, categorical: {} });
        expect(c.consent).toEqual({ channels: {}, optOut: false, preferredChannel: '', timeZone: '', unreachable: [] });
      }));

      it('merges consent patches, channel by channel', withStore(async ({ store }) => {
        await store.setConsent('c1', { channels: { email: true, sms: true }, timeZone: 'Europe/Berlin' });
        await store.setConsent('c1', { channels: { sms: false }, unreachable: ['push'], preferredChannel: 'email' });
        expect((await store.loadCustomer('c1', T0)).consent).toEqual({
          channels: { email: true, sms: false },
          optOut: false,
          preferredChannel: 'email',
          timeZone: 'Europe/Berlin',
          unreachable: ['push'],
        });
        await store.recordEvent('c1', { type: 'unsubscribe', at: T0, channel: 'email' });
        expect((await store.loadCustomer('c1', T0)).consent.channels).toEqual({ email: false, sms: false });
        await store.recordEvent('c1', { type: 'unsubscribe', at: T0 });
        expect((await store.loadCustomer('c1', T0)).consent.optOut).toBe(true);
      }));

      it('applies events: profile, cart, purchases, tickets, ignores', withStore(async ({ store }) => {
        const id = 'c1';
        await store.recordEvent(id, { type: 'profile_update', at: T0, attributes: features({ age: 31, ltv: 0.1 + 0.2 }, { tier: 'gold' }) });
        await store.recordEvent(id, { type: 'profile_update', at: T0, attributes: features({ age: 32 }) });
        await store.recordEvent(id, { type: 'cart_add', at: T0 + 1, itemId: 'jacket', category: 'outerwear' });
        await store.recordEvent(id, { type: 'cart_add', at: T0 + 2, itemId: 'hat', category: 'accessories' });
        await store.recordEvent(id, { type: 'cart_add', at: T0 + 3, itemId: 'scarf', category: 'accessories' });
        await store.recordEvent(id, { type: 'cart_remove', at: T0 + 4, category: 'accessories' });
        await store.recordEvent(id, { type: 'cart_add', at: T0 + 5, itemId: 'boots', category: 'shoes' });
        await store.recordEvent(id, { type: 'purchase', at: T0 + 6, itemId: 'jacket', category: 'outerwear' });
        await store.recordEvent(id, { type: 'ticket_opened', at: T0 });
        await store.recordEvent(id, { type: 'ticket_opened', at: T0 });
        await store.recordEvent(id, { type: 'ticket_closed', at: T0 });
        await store.recordEvent(id, { type: 'message_ignored', at: T0 + 7, messageId: 'm1' });
        await store.recordEvent(id, { type: 'message_ignored', at: T0 + 8, messageId: 'm2' });
        await store.recordEvent(id, { type: 'message_clicked', at: T0 + 9, messageId: 'm1' });
        await store.recordEvent(id, { type: 'message_delivered', at: T0 + 9, messageId: 'm3', channel: 'sms' });
        const c = await store.loadCustomer(id, T0 + 10);
        expect(c.profile).toEqual(features({ age: 32, ltv: 0.1 + 0.2 }, { tier: 'gold' }));
        expect(c.cart).toEqual([{ itemId: 'boots', category: 'shoes', at: T0 + 5 }]);
        expect(c.purchases).toEqual([{ itemId: 'jacket', category: 'outerwear', at: T0 + 6 }]);
        expect(c.openTickets).toBe(1);
        expect(c.ignored).toEqual([{ messageId: 'm2', at: T0 + 8 }]);
        expect(c.sends).toEqual([]);
        await store.recordEvent(id, { type: 'ticket_closed', at: T0 });
        await store.recordEvent(id, { type: 'ticket_closed', at: T0 });
        await store.recordEvent(id, { type: 'purchase', at: T0 + 11 });
        const after = await store.loadCustomer(id, T0 + 12);
        expect(after.openTickets).toBe(0);
        expect(after.cart).toEqual([]);
      }));

      it('reserves sends only when every cap of every send holds', withStore(async ({ store }) => {
        const day = 86_400_000;
        const sms = (at: number): SendReservation => ({
          send: { channel: 'sms', messageId: 'm1', at },
          caps: [{ key: 'channel:sms', max: 1, windowMs: day }],
        });
        const email = (at: number, messageId: string): SendReservation => ({
          send: { channel: 'email', messageId, at },
          caps: [
            { key: 'channel:email', max: 3, windowMs: 7 * day },
            { key: `message:${messageId}`, max: 1, windowMs: 7 * day },
          ],
        });
        expect(await store.reserveSends('c1', [sms(T0)])).toBe(-1);
        expect(await store.reserveSends('c1', [email(T0, 'e1'), sms(T0 + 1000)])).toBe(1);
        // Nothing of a refused batch is recorded.
        expect((await store.loadCustomer('c1', T0)).sends).toEqual([{ channel: 'sms', messageId: 'm1', at: T0 }]);
        expect(await store.reserveSends('c1', [email(T0, 'e1'), email(T0, 'e2')])).toBe(-1);
        expect(await store.reserveSends('c1', [email(T0, 'e3'), email(T0, 'e4')])).toBe(1); // the 4th email this week
        expect(await store.reserveSends('c1', [email(T0, 'e1')])).toBe(0); // message cap
        expect(await store.reserveSends('c1', [sms(T0 + day)])).toBe(-1); // the window has passed
        expect(await store.reserveSends('c1', [sms(T0 - day + 1)])).toBe(0); // within a day of a send either side
        expect(await store.reserveSends('c2', [])).toBe(-1);
      }));

      it('never exceeds a cap under concurrent reservations', withStore(async ({ store, peer }) => {
        const cap = { key: 'channel:sms', max: 3, windowMs: 86_400_000 };
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            (i % 2 && peer ? peer : store).reserveSends('c1', [{ send: { channel: 'sms', messageId: `m${i}`, at: T0 + i }, caps: [cap] }]),
          ),
        );
        expect(results.filter((r) => r === -1)).toHaveLength(3);
        expect((await store.loadCustomer('c1', T0)).sends).toHaveLength(3);
      }));

      it('reserves and saves in one call as the two side by side: the decision is saved whether or not its sends hold', withStore(async ({ store, peer }) => {
        // An adapter without the combined call is exercised by the engine through the two calls.
        const combined = store.reserveAndSave?.bind(store);
        if (!combined) return;
        const cap = { key: 'channel:sms', max: 1, windowMs: 86_400_000 };
        const sms = (messageId: string, at: number): SendReservation => ({ send: { channel: 'sms', messageId, at }, caps: [cap] });
        const free = (messageId: string, at: number): SendReservation => ({ send: { channel: 'web', messageId, at }, caps: [] });
        const first = record('d-rs1', { customerId: 'rs' });
        expect(await combined('rs', [free('w1', T0), sms('m1', T0)], first, decisionOf(first), 'req-rs1')).toBe(-1);
        expect(await store.findDecision('d-rs1')).toEqual(first);
        expect(await store.findByRequestId('rs', 'req-rs1')).toEqual(decisionOf(first));
        expect((await store.loadCustomer('rs', T0)).sends.map((s) => s.messageId).sort()).toEqual(['m1', 'w1']);
        // Refused: the index of the first send over its cap, nothing of the batch recorded, the decision saved all the same.
        const second = record('d-rs2', { customerId: 'rs' });
        expect(await combined('rs', [free('w2', T0 + 1), sms('m2', T0 + 1)], second, decisionOf(second))).toBe(1);
        expect(await store.findDecision('d-rs2')).toEqual(second);
        expect((await store.loadCustomer('rs', T0)).sends).toHaveLength(2);
        // No reservation: only the save. The decisions are held, indexed for the sweep and for forget.
        const third = record('d-rs3', { customerId: 'rs' });
        expect(await combined('rs', [], third, decisionOf(third))).toBe(-1);
        expect(await store.countDecisions()).toBe(3);
        expect(await store.joinReward({ decisionId: 'd-rs2', actionId: '', value: 1, now: T0 })).toMatchObject({ status: 'joined', total: 1 });
        const taken = await (peer ?? store).takeExpired(T0 + WINDOW, 10);
        expect(taken.map((t) => t.record.decisionId).sort()).toEqual(['d-rs1', 'd-rs2', 'd-rs3']);
        expect((await store.forgetCustomer('rs')).decisionsErased).toBe(0);
      }));

      it('never exceeds a cap under concurrent reserve-and-save calls', withStore(async ({ store, peer }) => {
        const cap = { key: 'channel:sms', max: 3, windowMs: 86_400_000 };
        const results = await Promise.all(
          Array.from({ length: 40 }, (_, i) => {
            const s = i % 2 && peer ? peer : store;
            const r = record(`d-cc${i}`, { customerId: 'cc' });
            const reservation: SendReservation = { send: { channel: 'sms', messageId: `m${i}`, at: T0 + i }, caps: [cap] };
            return s.reserveAndSave ? s.reserveAndSave('cc', [reservation], r, decisionOf(r)) : s.reserveSends('cc', [reservation]);
          }),
        );
        expect(results.filter((r) => r === -1)).toHaveLength(3);
        expect((await store.loadCustomer('cc', T0)).sends).toHaveLength(3);
      }));

      it('keeps a very busy customer\'s send history bounded to the latest 256', withStore(async ({ store }) => {
        for (let batch = 0; batch < 6; batch++) {
          const sends = Array.from({ length: 50 }, (_, i) => ({
            send: { channel: 'web', messageId: `m${batch * 50 + i}`, at: T0 + batch * 50 + i },
            caps: [],
          }));
          expect(await store.reserveSends('busy', sends)).toBe(-1);
        }
        const kept = (await store.loadCustomer('busy', T0 + 300)).sends;
        expect(kept).toHaveLength(256);
        expect(Math.min(...kept.map((s) => s.at))).toBe(T0 + 300 - 256);
      }));
    });

    describe('forget customer', () => {
      it('erases every key of the customer and returns its learning ledger', withStore(async ({ store, residue }) => {
        store.subscribe(() => undefined);
        await store.setConsent('gone', { channels: { email: true } });
        await store.recordEvent('gone', { type: 'cart_add', at: T0, itemId: 'x', category: 'y' });
        await store.recordEvent('gone', { type: 'profile_update', at: T0, attributes: features({ age: 40 }) });
        await store.recordEvent('gone', { type: 'message_ignored', at: T0, messageId: 'm' });
        await store.recordEvent('gone', { type: 'ticket_opened', at: T0 });
        await store.recordEvent('gone', { type: 'purchase', at: T0, itemId: 'z', category: 'y' });
        await store.reserveSends('gone', [{ send: { channel: 'sms', messageId: 'm', at: T0 }, caps: [] }]);
        const r1 = record('g1', { customerId: 'gone' });
        const r2 = record('g2', { customerId: 'gone' });
        const kept = record('k1', { customerId: 'stays' });
        await store.saveDecision(r1, decisionOf(r1), 'req-g1');
        await store.saveDecision(r2, decisionOf(r2));
        await store.saveDecision(kept, decisionOf(kept));
        await store.publish(update('gone', 1));
        await store.publish(update('stays', 2));
        await store.publish(update('gone', 3, { previousReward: 1 }));

        const result = await store.forgetCustomer('gone');
        expect(result.decisionsErased).toBe(2);
        expect(result.updates.map((u) => [u.reward, u.previousReward])).toEqual([[1, undefined], [3, 1]]);
        // Unlearning travels like any update but does not re-create the ledger.
        for (const u of result.updates) await store.publish({ ...u, unlearn: true });

        expect(await residue('gone')).toEqual([]);
        expect(await store.findByRequestId('gone', 'req-g1')).toBeUndefined();
        expect(await store.joinReward({ decisionId: 'g1', actionId: '', value: 1, now: T0 })).toEqual({ status: 'unknown' });
        expect(await store.countDecisions()).toBe(1);
        const fresh = await store.loadCustomer('gone', T0);
        expect(fresh).toMatchObject({ cart: [], purchases: [], sends: [], ignored: [], openTickets: 0 });
        expect((await store.forgetCustomer('gone')).updates).toEqual([]);
        expect((await store.forgetCustomer('stays')).updates.map((u) => u.reward)).toEqual([2]);
      }));

      const clock = new ManualClock(T0);
      const DAY = 86_400_000;
      it('keeps the ledger within its retention: forget unlearns the updates of the last retention period, at most the latest K', withStore(async ({ store }) => {
        clock.set(T0);
        store.subscribe(() => undefined);
        await store.publish(update('old', 1));
        await store.publish(update('old', 2, { context: features({ x: 2, y: -0.5 }, { seg: 'vip' }), actionFeatures: features({ d: 3 }, { ch: 'sms' }) }));
        clock.advance(10 * DAY - 1);
        await store.publish(update('old', 3, { previousReward: 1 }));
        // Still within ten days of each: all three, exactly as published.
        expect((await store.forgetCustomer('old')).updates).toEqual([
          update('old', 1),
          update('old', 2, { context: features({ x: 2, y: -0.5 }, { seg: 'vip' }), actionFeatures: features({ d: 3 }, { ch: 'sms' }) }),
          update('old', 3, { previousReward: 1 }),
        ]);

        clock.set(T0);
        await store.publish(update('aged', 1));
        clock.advance(10 * DAY + 1);
        await store.publish(update('aged', 2));
        clock.advance(DAY);
        await store.publish(update('aged', 3));
        // The first aged out: it stays folded into the model, forget removes the rest.
        expect((await store.forgetCustomer('aged')).updates.map((u) => u.reward)).toEqual([2, 3]);

        clock.set(T0);
        await store.publish(update('quiet', 1));
        clock.advance(10 * DAY + 1);
        // Aged out with no later publish for the customer: nothing left to unlearn.
        expect((await store.forgetCustomer('quiet')).updates).toEqual([]);

        for (let i = 1; i <= 12; i++) await store.publish(update('busy', i));
        expect((await store.forgetCustomer('busy')).updates.map((u) => u.reward)).toEqual([8, 9, 10, 11, 12]);
      }, { clock, ledger: { retentionMs: 10 * DAY, maxPerCustomer: 5 } }));
    });
  });
}
