import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { configSchema } from '../../src/config.js';
import type { TactStore } from '../../src/store/store.js';
import { grpcError, TestClient } from '../support/grpc-client.js';
import { idempotencyKey } from '../../src/core/idempotency-key.js';
import { parsePromText, sumSeries } from '../support/prom-text.js';

const config = configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'info', seed: 5 });

/** Every JSON line the server logs. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** Request ids are looked up scoped to customer and caller (src/core/idempotency-key.ts). */
const BOOM_KEY = idempotencyKey(['c', '', 'boom']);

/** A store whose findByRequestId fails with a plain Error for one magic request id: a server fault on demand. */
function faultyStore(store: TactStore): TactStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'findByRequestId') {
        return async (customerId: string, id: string) => {
          if (id === BOOM_KEY) throw new Error('disk on fire');
          return target.findByRequestId(customerId, id);
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe('INTERNAL is never silent', () => {
  let running: RunningTact;
  let client: TestClient;
  let metricsUrl: string;
  const captured = capturedLogger();

  beforeAll(async () => {
    running = await serve(config, { logger: captured.logger, wrapStore: faultyStore });
    client = new TestClient(`127.0.0.1:${running.grpc.port}`);
    metricsUrl = `http://127.0.0.1:${running.metricsServer.port}/metrics`;
  });
  afterAll(async () => {
    client.close();
    await running.stop();
  });

  it('logs an unexpected error once at error level with its stack, and counts it by method', async () => {
    const err = await grpcError(client.decide({ customer_id: 'c', trigger: 'cart_abandoned', request_id: 'boom' }));
    expect(err.code).toBe(grpc.status.INTERNAL);
    // The caller learns nothing of the cause.
    expect(err.details).not.toContain('disk on fire');
    const errors = captured.lines.filter((l) => (l['level'] as number) >= 50);
    expect(errors).toHaveLength(1);
    const logged = errors[0]!;
    expect(logged['method']).toBe('tact.v1.DecisionService/Decide');
    const loggedErr = logged['err'] as { message: string; stack: string };
    expect(loggedErr.message).toBe('disk on fire');
    expect(loggedErr.stack).toContain('internal-errors.test.ts');
    const s = parsePromText(await (await fetch(metricsUrl)).text());
    expect(sumSeries(s, 'tact_internal_errors_total', { method: 'tact.v1.DecisionService/Decide' })).toBe(1);
  });

  it('answers ordinary calls as before after a fault', async () => {
    const d = await client.decide({ customer_id: 'c', trigger: 'cart_abandoned' });
    expect(d.decision_id).toMatch(/\./);
  });
});

describe('rewards of any finite sign are joined', () => {
  let running: RunningTact;
  let client: TestClient;
  let metricsUrl: string;
  const captured = capturedLogger();

  beforeAll(async () => {
    running = await serve(config, { logger: captured.logger });
    client = new TestClient(`127.0.0.1:${running.grpc.port}`);
    metricsUrl = `http://127.0.0.1:${running.metricsServer.port}/metrics`;
  });
  afterAll(async () => {
    client.close();
    await running.stop();
  });

  it('joins a negative unary reward once, learns it and keeps the money sum exact', async () => {
    const d = await client.decide({ customer_id: 'neg-1', trigger: 'cart_abandoned', candidates: [{ id: 'a', channel: 'email' }] });
    const first = await client.reward({ decision_id: d.decision_id, value: -0.02, event_id: 'cost' });
    expect(first.status).toBe('JOINED');
    const again = await client.reward({ decision_id: d.decision_id, value: -0.02, event_id: 'cost' });
    expect(again.status).toBe('DUPLICATE');
    const s = parsePromText(await (await fetch(metricsUrl)).text());
    expect(sumSeries(s, 'tact_reward_value', { policy: 'default', group: 'treated' })).toBeCloseTo(-0.02, 12);
    expect(sumSeries(s, 'tact_policy_value', { policy: 'default', group: 'treated' })).toBeCloseTo(-0.02, 12);
    expect(captured.lines.filter((l) => (l['level'] as number) >= 50)).toHaveLength(0);
  });

  it('joins negative rewards on RewardStream', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const d = await client.decide({ customer_id: `neg-s${i}`, trigger: 'cart_abandoned', candidates: [{ id: 'a', channel: 'email' }] });
      ids.push(d.decision_id);
    }
    const summary = await new Promise<{ joined: number; rejected: number; first_error: string }>((resolve, reject) => {
      const call = client.raw.RewardStream((err, res) => (err || !res ? reject(err) : resolve(res)));
      for (const id of ids) call.write({ decision_id: id, value: -5.5 });
      call.end();
    });
    expect(summary).toMatchObject({ joined: 3, rejected: 0, first_error: '' });
  });
});
