import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/core/errors.js';
import type { Decision } from '../../src/domain/decision.js';
import { features } from '../../src/domain/features.js';
import { BufferedStore } from '../../src/store/redis/buffer.js';
import { ReservedNotSavedError, type RedisStore } from '../../src/store/redis/redis-store.js';
import type { DecisionRecord, SendReservation } from '../../src/store/store.js';

const T0 = Date.UTC(2026, 0, 5);
const record = (id: string): DecisionRecord => ({
  decisionId: id,
  customerId: 'c1',
  policy: 'default',
  at: T0,
  expiresAt: T0 + 60_000,
  context: features(),
  choices: [{ actionId: 'a', channel: 'web', messageId: 'm', cost: 0, probability: 1, features: features() }],
  holdout: false,
  learn: true,
  combine: 'sum',
});
const decision = (id: string): Decision => ({ decisionId: id, customerId: 'c1', policy: 'default', modelVersion: '', at: T0, choices: [], removed: [], holdout: false });
const web = (messageId: string): SendReservation => ({ send: { channel: 'web', messageId, at: T0 }, caps: [{ key: 'channel:web', max: 1, windowMs: 86_400_000 }] });
const sms: SendReservation = { send: { channel: 'sms', messageId: 's', at: T0 }, caps: [] };

/** A Redis store whose combined write fails as given; records what reaches it otherwise. */
function innerFailing(failure: Error) {
  const calls: string[] = [];
  const inner = {
    available: true,
    onAvailability: () => undefined,
    reserveAndSave: async () => {
      calls.push('reserveAndSave');
      throw failure;
    },
    saveDecision: async (r: DecisionRecord, _d: Decision, requestId?: string) => void calls.push(`save ${r.decisionId} ${requestId ?? ''}`),
    reserveSends: async (_c: string, rs: readonly SendReservation[]) => {
      calls.push(`sends ${rs.map((r) => r.send.messageId).join(',')}`);
      return -1;
    },
    close: async () => undefined,
  };
  return { inner: inner as unknown as RedisStore, calls };
}

describe('the outage buffer: reserve and save in one call', () => {
  it('when the call fails with Redis away: caps held locally (sms fails closed), the decision buffered and replayed with its sends', async () => {
    const { inner, calls } = innerFailing(new StoreUnavailableError('down'));
    const store = new BufferedStore(inner, pino({ level: 'silent' }), { retryMs: 60_000 });
    expect(await store.reserveAndSave('c1', [web('w1')], record('d1'), decision('d1'), 'req-1')).toBe(-1);
    expect(store.stats.capsLocal).toBe(1);
    // Now writes wait in the buffer: the second call does not reach Redis, and the local cap holds.
    expect(await store.reserveAndSave('c1', [web('w2')], record('d2'), decision('d2'))).toBe(0);
    expect(await store.reserveAndSave('c1', [sms], record('d3'), decision('d3'))).toBe(0);
    expect(store.stats.capsFailedClosed).toBe(1);
    expect(calls).toEqual(['reserveAndSave']);
    expect(store.stats.buffered).toMatchObject({ decision: 3, sends: 1 });
    await store.flush();
    expect(calls.slice(1)).toEqual(['sends w1', 'save d1 req-1', 'save d2 ', 'save d3 ']);
    await store.close();
  });

  it('when the sends were reserved in Redis but the decision not saved (a cluster node away): only the decision is buffered', async () => {
    const { inner, calls } = innerFailing(new ReservedNotSavedError(-1, new StoreUnavailableError('node down')));
    const store = new BufferedStore(inner, pino({ level: 'silent' }), { retryMs: 60_000 });
    expect(await store.reserveAndSave('c1', [web('w1')], record('d1'), decision('d1'), 'req-1')).toBe(-1);
    expect(store.stats.capsLocal).toBe(0);
    expect(store.stats.buffered).toMatchObject({ decision: 1, sends: 0 });
    await store.flush();
    expect(calls).toEqual(['reserveAndSave', 'save d1 req-1']);
    await store.close();
  });

  it('a refusal other than Redis being away reaches the caller', async () => {
    const { inner } = innerFailing(new Error('WRONGTYPE'));
    const store = new BufferedStore(inner, pino({ level: 'silent' }), { retryMs: 60_000 });
    await expect(store.reserveAndSave('c1', [web('w1')], record('d1'), decision('d1'))).rejects.toThrow('WRONGTYPE');
    expect(store.stats.pending).toBe(0);
    await store.close();
  });
});
