import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config.js';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { ManualClock } from '../../src/core/clock.js';
import { localMinuteOfDay } from '../../src/catalog/time.js';
import { isInHoldout } from '../../src/decision/holdout.js';
import { PolicySet } from '../../src/policies/policy-set.js';
import { policiesFileSchema } from '../../src/policies/policy-config.js';
import { isQuietMinute } from '../../src/rules/quiet-hours.js';
import type { DecideRequest } from '../../src/server/generated/tact/v1/DecideRequest.js';
import type { DecideResponse__Output } from '../../src/server/generated/tact/v1/DecideResponse.js';
import { grpcError, TestClient } from '../support/grpc-client.js';

// The clock stays at NOON while decisions are dated hours ahead: a simulation, so the future skew is wide.
const config = configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'silent', seed: 11, maxFutureSkewMs: 86_400_000 });
/** Monday 2026-01-05 12:00 UTC: daytime in Europe, morning in New York. */
const NOON = Date.UTC(2026, 0, 5, 12);
const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const ms = (t: { seconds: number; nanos: number } | null) => (t ? t.seconds * 1000 + t.nanos / 1e6 : 0);
/** How many times a rule test asks: enough that a forbidden send would show. */
const TRIES = 25;

describe('contact rules end to end', () => {
  let running: RunningTact;
  let client: TestClient;

  beforeAll(async () => {
    running = await serve(config, { clock: new ManualClock(NOON) });
    client = new TestClient(`127.0.0.1:${running.grpc.port}`);
  });
  afterAll(async () => {
    client.close();
    await running.stop();
  });

  /** Decide `n` times for fresh customers prepared by `setup`, at `at`. */
  async function decideMany(
    n: number,
    setup: (customerId: string) => Promise<void>,
    req: Omit<DecideRequest, 'customer_id'>,
    prefix: string,
  ): Promise<DecideResponse__Output[]> {
    const out: DecideResponse__Output[] = [];
    for (let i = 0; i < n; i++) {
      const id = `${prefix}-${i}`;
      await setup(id);
      out.push(await client.decide({ at: ts(NOON), top_k: 3, explain: true, ...req, customer_id: id }));
    }
    return out;
  }

  const choices = (ds: DecideResponse__Output[]) => ds.flatMap((d) => d.choices);
  const rulesOf = (ds: DecideResponse__Output[]) => new Set(ds.flatMap((d) => d.removed.map((r) => r.rule)));

  it('after CART_ADD of an item, no choice promotes it or its category', async () => {
    const ds = await decideMany(
      TRIES,
      (id) => client.recordEvent({ customer_id: id, type: 'CART_ADD', item_id: 'coat-wool-classic', category: 'outerwear', at: ts(NOON - 60_000) }),
      { trigger: 'browse' },
      'cart',
    );
    const promoted = choices(ds).map((c) => c.message_id);
    expect(promoted).not.toContain('restock_wool_coat');
    expect(promoted).not.toContain('browse_outerwear');
    const reasons = ds[0]!.removed.filter((r) => r.action_id.startsWith('restock_wool_coat:'));
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.every((r) => r.rule === 'suppression' && r.reason === 'item coat-wool-classic is in the cart')).toBe(true);
  });

  it('after one SMS today, no SMS', async () => {
    const ds = await decideMany(
      TRIES,
      async (id) => {
        await client.setConsent({ customer_id: id, channels: { sms: true } });
        // The only candidate is an SMS, so it is sent (and its cap taken).
        const first = await client.decide({ customer_id: id, trigger: 'manual', at: ts(NOON - 3_600_000), candidates: [{ id: 'hello', channel: 'sms' }] });
        expect(first.choices[0]!.channel).toBe('sms');
      },
      { trigger: 'cart_abandoned' },
      'sms',
    );
    expect(choices(ds).filter((c) => c.channel === 'sms')).toEqual([]);
    const sms = ds[0]!.removed.filter((r) => r.action_id.includes(':sms:'));
    expect(sms.length).toBeGreaterThan(0);
    expect(sms.every((r) => r.rule === 'frequency_cap')).toBe(true);
  });

  it('at 23:00 local, no push or SMS lands before the quiet hours end', async () => {
    const tz = 'America/New_York';
    const at = Date.UTC(2026, 0, 6, 4, 0); // 23:00 in New York
    const ds: DecideResponse__Output[] = [];
    for (let i = 0; i < TRIES; i++) {
      const id = `quiet-${i}`;
      await client.setConsent({ customer_id: id, time_zone: tz, channels: { sms: true } });
      ds.push(await client.decide({ customer_id: id, trigger: 'cart_abandoned', top_k: 3, explain: true, at: ts(at) }));
    }
    const sends = choices(ds).filter((c) => c.channel === 'push' || c.channel === 'sms');
    expect(sends.length).toBeGreaterThan(0);
    for (const c of sends) {
      const local = localMinuteOfDay(ms(c.send_at), tz);
      const quiet = c.channel === 'push' ? { start: '22:00', end: '08:00', action: 'drop' as const } : { start: '21:00', end: '09:00', action: 'defer' as const };
      expect(isQuietMinute(local, quiet), `${c.action_id} lands at ${Math.floor(local / 60)}:${local % 60} local`).toBe(false);
    }
    // SMS "now" is deferred to 09:00; push "now" is dropped.
    expect(choices(ds).some((c) => c.action_id.endsWith(':push:now'))).toBe(false);
    const deferred = choices(ds).filter((c) => c.action_id.endsWith(':sms:now'));
    for (const c of deferred) expect(localMinuteOfDay(ms(c.send_at), tz)).toBe(9 * 60);
    expect(ds[0]!.removed.some((r) => r.action_id.endsWith(':push:now') && r.rule === 'quiet_hours')).toBe(true);
  });

  it('after SetConsent email=false, no email; unreachable push, no push', async () => {
    const ds = await decideMany(
      TRIES,
      (id) => client.setConsent({ customer_id: id, channels: { email: false }, unreachable_channels: ['push'] }),
      { trigger: 'cart_abandoned' },
      'noemail',
    );
    const channels = new Set(choices(ds).map((c) => c.channel));
    expect(channels.has('email')).toBe(false);
    expect(channels.has('push')).toBe(false);
    expect(rulesOf(ds)).toEqual(new Set(['consent', 'reachability']));
  });

  it('opt-out: marketing is a forced no-send with reasons; service messages still go out', async () => {
    await client.setConsent({ customer_id: 'optout', opt_out: true });
    // A later patch that does not mention opt_out keeps it.
    await client.setConsent({ customer_id: 'optout', time_zone: 'Europe/Berlin' });
    const marketing = await client.decide({ customer_id: 'optout', trigger: 'cart_abandoned', at: ts(NOON) });
    expect(marketing.choices.map((c) => c.no_send)).toEqual([true]);
    // Reasons without explain, nothing being left: one per rule, not one per candidate.
    expect(marketing.removed.map((r) => r.rule)).toEqual(['consent']);
    const explained = await client.decide({ customer_id: 'optout', trigger: 'cart_abandoned', at: ts(NOON), explain: true });
    expect(explained.removed.length).toBeGreaterThan(1);
    expect(new Set(explained.removed.map((r) => r.rule))).toEqual(new Set(['consent']));
    const service = await client.decide({ customer_id: 'optout', trigger: 'order_shipped', at: ts(NOON), explain: true });
    const offered = service.removed.length;
    expect(offered).toBe(0);
    await client.recordEvent({ customer_id: 'optout', type: 'UNSUBSCRIBE', channel: 'email' });
    const noEmail = await client.decide({ customer_id: 'optout', trigger: 'order_shipped', at: ts(NOON), explain: true });
    expect(noEmail.removed.filter((r) => r.rule === 'consent').map((r) => r.action_id).every((id) => id.includes(':email:'))).toBe(true);
  });

  it('an open service ticket blocks everything but service messages until it closes', async () => {
    await client.recordEvent({ customer_id: 'ticket', type: 'TICKET_OPENED' });
    const blocked = await client.decide({ customer_id: 'ticket', trigger: 'cart_abandoned', at: ts(NOON) });
    expect(blocked.choices[0]!.no_send).toBe(true);
    expect(new Set(blocked.removed.map((r) => r.rule))).toEqual(new Set(['service_ticket', 'consent']));
    const service = await client.decide({ customer_id: 'ticket', trigger: 'order_shipped', at: ts(NOON), explain: true });
    expect(service.removed.filter((r) => r.rule === 'service_ticket')).toEqual([]);
    await client.recordEvent({ customer_id: 'ticket', type: 'TICKET_CLOSED' });
    const open = await client.decide({ customer_id: 'ticket', trigger: 'cart_abandoned', at: ts(NOON), explain: true });
    expect(open.removed.filter((r) => r.rule === 'service_ticket')).toEqual([]);
  });

  it('fatigue: a message ignored 3 times in 14 days is not offered again', async () => {
    const ds = await decideMany(
      TRIES,
      async (id) => {
        for (let d = 1; d <= 3; d++) {
          await client.recordEvent({ customer_id: id, type: 'MESSAGE_IGNORED', message_id: 'browse_shoes', channel: 'email', at: ts(NOON - d * 86_400_000) });
        }
      },
      { trigger: 'browse' },
      'fatigue',
    );
    expect(choices(ds).map((c) => c.message_id)).not.toContain('browse_shoes');
    const fatigue = ds[0]!.removed.filter((r) => r.rule === 'fatigue');
    expect(fatigue.map((r) => r.action_id.split(':')[0])).toEqual(fatigue.map(() => 'browse_shoes'));
    expect(fatigue.length).toBeGreaterThan(0);
  });

  it('explain returns the top features of each choice', async () => {
    await client.recordEvent({ customer_id: 'explain', type: 'PROFILE_UPDATE', attributes: { numeric: { age: 33 }, categorical: { segment: 'vip' } } });
    const d = await client.decide({ customer_id: 'explain', trigger: 'cart_abandoned', at: ts(NOON), explain: true, context: { numeric: { basket_value: 80 } } });
    await client.reward({ decision_id: d.decision_id, value: 50 });
    const again = await client.decide({ customer_id: 'explain-2', trigger: 'cart_abandoned', top_k: 2, at: ts(NOON), explain: true, context: { numeric: { basket_value: 80 }, categorical: { segment: 'vip' } } });
    expect(again.choices.length).toBeGreaterThan(0);
    for (const choice of again.choices) {
      // What the one reward taught the shared model reaches every catalog action: named joint features.
      const names = choice.top_features.map((f) => f.feature);
      expect(names.length).toBeGreaterThan(0);
      expect(names.every((n) => n.length > 0)).toBe(true);
    }
  });

  it('50 parallel Decide calls for one customer never exceed a cap', async () => {
    const id = 'burst';
    await client.setConsent({ customer_id: id, channels: { sms: true } });
    const ds = await Promise.all(
      Array.from({ length: 50 }, () => client.decide({ customer_id: id, trigger: 'cart_abandoned', top_k: 3, at: ts(NOON) })),
    );
    const count = (ch: string) => choices(ds).filter((c) => c.channel === ch).length;
    expect(count('sms')).toBeLessThanOrEqual(1); // 1 per 24h
    expect(count('email')).toBeLessThanOrEqual(1); // 1 per 24h
    expect(count('push')).toBeLessThanOrEqual(3); // 3 per 24h
    expect(count('in_app')).toBeLessThanOrEqual(5); // 5 per 24h
    // What the store recorded is exactly what was answered.
    const state = await running.tact.store.loadCustomer(id, NOON);
    expect(state.sends.length).toBe(choices(ds).filter((c) => !c.no_send).length);
    // Everyone wants the one SMS: exactly one gets it, the rest get no-send.
    const id2 = 'burst-sms';
    await client.setConsent({ customer_id: id2, channels: { sms: true } });
    const only = await Promise.all(
      Array.from({ length: 50 }, () => client.decide({ customer_id: id2, trigger: 'manual', at: ts(NOON), candidates: [{ id: 'a', channel: 'sms' }, { id: 'b', channel: 'sms' }] })),
    );
    expect(choices(only).filter((c) => c.channel === 'sms')).toHaveLength(1);
    expect(choices(only).filter((c) => c.no_send)).toHaveLength(49);
  });

  it('validates customer calls with the field named', async () => {
    const cases: Array<[Promise<unknown>, string]> = [
      [client.recordEvent({ customer_id: '', type: 'CART_ADD', item_id: 'x' }), 'customer_id'],
      [client.recordEvent({ customer_id: 'v', type: 'TYPE_UNSPECIFIED' }), 'type'],
      [client.recordEvent({ customer_id: 'v', type: 'CART_ADD' }), 'item_id'],
      [client.recordEvent({ customer_id: 'v', type: 'MESSAGE_IGNORED' }), 'message_id'],
      [client.recordEvent({ customer_id: 'v', type: 'PROFILE_UPDATE', attributes: { numeric: { x: NaN } } }), 'attributes.numeric[x]'],
      [client.setConsent({ customer_id: 'v', time_zone: 'Mars/Olympus' }), 'time_zone'],
      [client.forgetCustomer(''), 'customer_id'],
    ];
    for (const [call, field] of cases) {
      const err = await grpcError(call);
      expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err.details.startsWith(`${field}:`), err.details).toBe(true);
    }
  });
});

describe('control holdout end to end', () => {
  it('held-out customers always get no-send; the others get sends', async () => {
    const policies = PolicySet.fromConfig(policiesFileSchema.parse({ policies: [{ name: 'default', holdout: 0.3 }] }));
    const running = await serve(config, { policies });
    const client = new TestClient(`127.0.0.1:${running.grpc.port}`);
    try {
      const policy = policies.get();
      let held = 0;
      for (let i = 0; i < 40; i++) {
        const id = `h-${i}`;
        const d = await client.decide({ customer_id: id, trigger: 'cart_abandoned', top_k: 2, at: ts(NOON) });
        expect(d.holdout).toBe(isInHoldout(id, policy));
        if (d.holdout) {
          held++;
          expect(d.choices.map((c) => c.no_send)).toEqual([true]);
          expect((await running.tact.store.loadCustomer(id, NOON)).sends).toEqual([]);
        }
      }
      expect(held).toBeGreaterThan(0);
      expect(held).toBeLessThan(40);
    } finally {
      client.close();
      await running.stop();
    }
  });
});
