import { afterEach, describe, expect, it } from 'vitest';
import type { ReceiptLine } from '../../src/decision/log-entry.js';
import { journeyHarness, MINUTE, NOON, ts, type Harness } from './harness.js';

const DAY = 86_400_000;
let h: Harness;
afterEach(async () => {
  await h.close();
});

const receipts = (h: Harness) => h.log.lines.filter((l): l is ReceiptLine => l.type === 'receipt');

describe('journeys on a fake clock', () => {
  it('CART_ADD then nothing for 30 minutes: exactly one signed webhook, whose decision a Reward joins', async () => {
    h = journeyHarness();
    await h.event({ customer_id: 'ann', type: 'CART_ADD', item_id: 'sneaker-1', category: 'shoes' });
    await h.advance(29 * MINUTE);
    expect(h.receiver.attempts).toHaveLength(0);
    await h.advance(2 * MINUTE);
    await h.advance(3 * 60 * MINUTE);
    expect(h.receiver.attempts).toHaveLength(1);
    const hook = h.receiver.attempts[0]!;
    expect(h.receiver.signed(hook)).toBe(true);
    expect(hook.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(Number(hook.headers['webhook-timestamp'])).toBe(Math.floor((NOON + 30 * MINUTE) / 1000));
    expect(hook.data).toMatchObject({
      customer_id: 'ann',
      trigger: 'cart_abandoned',
      action_id: 'cart_reminder:email:now',
      message_id: 'cart_reminder',
      channel: 'email',
      send_at: new Date(NOON + 30 * MINUTE).toISOString(),
      context: { categorical: { item: 'sneaker-1', item_category: 'shoes' } },
    });
    expect((hook.data['features'] as { categorical: Record<string, string> }).categorical['category']).toBe('shoes');
    expect(h.counts.fired).toEqual(['cart_abandoned']);
    const decisionId = hook.data['decision_id'] as string;
    expect(await h.tact.joiner.reward({ decisionId, value: 89 })).toBe('joined');
    expect(h.tact.policies.get().learner.updates).toBe(1);
  });

  it('CART_ADD then PURCHASE of the item within 30 minutes: nothing', async () => {
    h = journeyHarness();
    await h.event({ customer_id: 'bob', type: 'CART_ADD', item_id: 'sneaker-1', category: 'shoes' });
    await h.advance(10 * MINUTE);
    await h.event({ customer_id: 'bob', type: 'PURCHASE', item_id: 'sneaker-1', category: 'shoes' });
    await h.advance(120 * MINUTE);
    expect(h.receiver.attempts).toHaveLength(0);
    expect(h.counts.fired).toEqual([]);
    expect(h.counts.cancelled).toEqual([{ trigger: 'cart_abandoned', reason: 'cancel_event' }]);
  });

  it('a purchase of another item does not cancel (match: item); a whole-cart checkout does', async () => {
    h = journeyHarness();
    await h.event({ customer_id: 'cy', type: 'CART_ADD', item_id: 'sneaker-1', category: 'shoes' });
    await h.event({ customer_id: 'cy', type: 'PURCHASE', item_id: 'scarf-9', category: 'accessories' });
    await h.event({ customer_id: 'dee', type: 'CART_ADD', item_id: 'sneaker-1', category: 'shoes' });
    await h.event({ customer_id: 'dee', type: 'PURCHASE' });
    await h.advance(40 * MINUTE);
    expect(h.receiver.attempts.map((a) => a.data['customer_id'])).toEqual(['cy']);
  });

  it('a backdated CART_ADD whose 30 minutes are over fires at once; a backdated purchase inside its window cancels it', async () => {
    h = journeyHarness();
    await h.event({ customer_id: 'eve', type: 'CART_ADD', item_id: 'boot-2', at: ts(NOON - 2 * 60 * MINUTE) });
    expect(h.receiver.attempts.map((a) => a.data['customer_id'])).toEqual(['eve']);
    // The purchase arrives first (an import in the wrong order) but happened after the cart add.
    await h.event({ customer_id: 'fay', type: 'PURCHASE', item_id: 'boot-2', at: ts(NOON - 50 * MINUTE) });
    await h.event({ customer_id: 'fay', type: 'CART_ADD', item_id: 'boot-2', at: ts(NOON - 60 * MINUTE) });
    expect(h.receiver.attempts).toHaveLength(1);
    expect(h.counts.cancelled).toEqual([{ trigger: 'cart_abandoned', reason: 'cancel_event' }]);
  });

  it('re-entry: one pending timer per customer, and none again within the cooldown', async () => {
    h = journeyHarness();
    await h.event({ customer_id: 'gus', type: 'CART_ADD', item_id: 'a' });
    await h.advance(5 * MINUTE);
    await h.event({ customer_id: 'gus', type: 'CART_ADD', item_id: 'b' });
    await h.advance(60 * MINUTE);
    expect(h.receiver.attempts).toHaveLength(1);
    await h.event({ customer_id: 'gus', type: 'CART_ADD', item_id: 'c' });
    await h.advance(60 * MINUTE);
    expect(h.receiver.attempts).toHaveLength(1);
    expect(h.counts.cancelled).toEqual([{ trigger: 'cart_abandoned', reason: 'reentry' }]);
    // After the 24-hour cooldown the customer can enter again.
    await h.advance(DAY);
    await h.event({ customer_id: 'gus', type: 'CART_ADD', item_id: 'd' });
    await h.advance(31 * MINUTE);
    expect(h.receiver.attempts).toHaveLength(2);
  });

  it('a deferred evening send is cancelled by an afternoon purchase, and logged with its reason', async () => {
    h = journeyHarness();
    await h.event({ customer_id: 'hal', type: 'CUSTOM', name: 'product_view', category: 'outerwear' });
    await h.event({ customer_id: 'ida', type: 'CUSTOM', name: 'product_view', category: 'outerwear' });
    await h.advance(31 * MINUTE);
    // Fired and decided at 12:30, to be sent at 19:00 UTC.
    expect(h.counts.fired).toEqual(['browse_abandoned', 'browse_abandoned']);
    expect(h.receiver.attempts).toHaveLength(0);
    await h.advance(3 * 60 * MINUTE);
    await h.event({ customer_id: 'hal', type: 'PURCHASE', item_id: 'parka-3', category: 'outerwear' });
    await h.advance(4 * 60 * MINUTE);
    expect(h.receiver.attempts.map((a) => [a.data['customer_id'], a.data['send_at']])).toEqual([
      ['ida', new Date(Date.UTC(2026, 0, 5, 19)).toISOString()],
    ]);
    expect(h.counts.outcomes.filter((o) => o.outcome === 'cancelled')).toEqual([{ channel: 'email', outcome: 'cancelled', reason: 'cancel_event' }]);
    const cancelled = receipts(h).filter((r) => r.event === 'cancelled');
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]!.reason).toBe('purchase since the trigger started');
  });

  it('consent withdrawn before the evening send cancels it by the consent rule', async () => {
    h = journeyHarness();
    await h.event({ customer_id: 'jo', type: 'CUSTOM', name: 'product_view', category: 'outerwear' });
    await h.advance(31 * MINUTE);
    await h.event({ customer_id: 'jo', type: 'UNSUBSCRIBE', channel: 'email' });
    await h.advance(7 * 60 * MINUTE);
    expect(h.receiver.attempts).toHaveLength(0);
    expect(h.counts.outcomes).toEqual([{ channel: 'email', outcome: 'cancelled', reason: 'consent' }]);
  });

  it('a webhook answering 500 twice then 200 is delivered once, same webhook-id, three attempts', async () => {
    h = journeyHarness();
    h.receiver.script = [500, 500];
    await h.event({ customer_id: 'kim', type: 'CUSTOM', name: 'order_shipped', attributes: { numeric: { order_value: 80 }, categorical: {} } });
    await h.advance(10_000);
    expect(h.receiver.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(new Set(h.receiver.attempts.map((a) => a.headers['webhook-id'])).size).toBe(1);
    expect(h.receiver.attempts.every((a) => h.receiver.signed(a))).toBe(true);
    expect(h.counts.attempts).toEqual([false, false, true]);
    expect(h.counts.outcomes.map((o) => o.outcome)).toEqual(['sent']);
    expect(h.receiver.delivered[0]!.data['context']).toEqual({ numeric: { order_value: 80 }, categorical: {} });
  });

  it('after the last attempt a send is dead-lettered, listed, and replayed with the same webhook-id', async () => {
    h = journeyHarness({ maxAttempts: 3 });
    h.receiver.script = [503, 503, 503];
    await h.event({ customer_id: 'lee', type: 'CUSTOM', name: 'order_shipped' });
    await h.advance(60_000);
    expect(h.receiver.attempts).toHaveLength(3);
    const dead = await h.journeys.delivery.deadLetters.list();
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ channel: 'email', attempts: 3, error: expect.stringContaining('HTTP 503') });
    expect(h.counts.outcomes.map((o) => o.outcome)).toEqual(['dead_lettered']);
    expect(await h.journeys.delivery.deadLetters.replay(dead[0]!.id)).toBe(true);
    await h.advance(1000);
    expect(h.receiver.delivered).toHaveLength(1);
    expect(h.receiver.delivered[0]!.headers['webhook-id']).toBe(h.receiver.attempts[0]!.headers['webhook-id']);
    expect(await h.journeys.delivery.deadLetters.list()).toHaveLength(0);
  });

  it('inactivity: fires 30 days after the last app_open, not after an earlier one', async () => {
    h = journeyHarness();
    await h.event({ customer_id: 'max', type: 'CUSTOM', name: 'app_open' });
    await h.advance(20 * DAY);
    await h.event({ customer_id: 'max', type: 'CUSTOM', name: 'app_open' });
    await h.advance(11 * DAY);
    expect(h.counts.fired).toEqual([]);
    await h.advance(20 * DAY);
    expect(h.counts.fired).toEqual(['inactive_30d']);
    expect(h.receiver.attempts.map((a) => a.data['message_id'])).toEqual(['we_miss_you']);
    // A backdated app_open older than the last one does not restart the clock.
    await h.event({ customer_id: 'max', type: 'CUSTOM', name: 'app_open', at: ts(h.clock.now() - 45 * DAY) });
    await h.advance(DAY);
    expect(h.counts.fired).toEqual(['inactive_30d']);
  });

  it('a receipt (MESSAGE_OPENED with decision_id) is joined to its decision and action', async () => {
    h = journeyHarness();
    await h.event({ customer_id: 'ned', type: 'CUSTOM', name: 'order_shipped' });
    const decisionId = h.receiver.attempts[0]!.data['decision_id'] as string;
    await h.event({ customer_id: 'ned', type: 'MESSAGE_DELIVERED', decision_id: decisionId });
    await h.event({ customer_id: 'ned', type: 'MESSAGE_OPENED', decision_id: decisionId });
    const lines = receipts(h).filter((r) => r.decisionId === decisionId);
    expect(lines.map((r) => [r.event, r.actionId])).toEqual([
      ['scheduled', 'shipped:email:now'],
      ['sent', 'shipped:email:now'],
      ['delivered', 'shipped:email:now'],
      ['opened', 'shipped:email:now'],
    ]);
    // Unknown ids are counted by the joiner, not a failed RecordEvent.
    expect((await h.receipts.join({ decisionId: 'ffffffffffffffff.zz', event: 'opened', at: NOON })).status).toBe('unknown');
    await h.event({ customer_id: 'ned', type: 'MESSAGE_BOUNCED', decision_id: 'not-a-decision' });
  });

  it('without a sink configured, due sends are logged and counted', async () => {
    h = journeyHarness({ webhook: false });
    await h.event({ customer_id: 'ola', type: 'CUSTOM', name: 'order_shipped' });
    expect(h.receiver.attempts).toHaveLength(0);
    expect(h.counts.outcomes).toEqual([{ channel: 'email', outcome: 'logged' }]);
  });
});
