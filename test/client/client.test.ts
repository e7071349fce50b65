import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { TactClient, TactRequestError } from '../../src/client/index.js';
import { configSchema } from '../../src/config.js';
import { StoreUnavailableError } from '../../src/core/errors.js';
import type { TactStore } from '../../src/store/store.js';

/** Redis "down" for the first loadCustomer / joinReward of each flaky customer or decision: UNAVAILABLE once, then fine. */
function flakyOnce(calls: Map<string, number>) {
  return (store: TactStore): TactStore =>
    new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if ((prop !== 'loadCustomer' && prop !== 'joinReward') || typeof value !== 'function') return value;
        return (first: unknown, ...rest: unknown[]) => {
          const key = typeof first === 'string' ? first : String((first as { eventId?: string }).eventId ?? '');
          const n = (calls.get(key) ?? 0) + 1;
          calls.set(key, n);
          if (key.startsWith('flaky') && n === 1) return Promise.reject(new StoreUnavailableError('Redis is unavailable'));
          return (value as (...a: unknown[]) => unknown).call(target, first, ...rest);
        };
      },
    });
}

describe('TactClient (tact/client)', () => {
  let running: RunningTact;
  let client: TactClient;
  const calls = new Map<string, number>();

  beforeAll(async () => {
    const config = configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'silent', seed: 9 });
    running = await serve(config, { wrapStore: flakyOnce(calls) });
    client = new TactClient({ address: `127.0.0.1:${running.grpc.port}`, backoffMs: 1 });
    await client.connect();
  });
  afterAll(async () => {
    client.close();
    await running.stop();
  });

  it('returns typed responses: numbers and enum names, no Long objects', async () => {
    const d = await client.decide({ customer_id: 'c-1', trigger: 'cart_abandoned' });
    expect(typeof d.choices[0]!.probability).toBe('number');
    const r = await client.reward({ decision_id: d.decision_id, value: 2, event_id: 'e-typed' });
    expect(r.status).toBe('JOINED');
    const forgotten = await client.forgetCustomer({ customer_id: 'c-1' });
    expect(typeof forgotten.updates_removed).toBe('number');
  });

  it('retries Decide on UNAVAILABLE only when it carries a request_id', async () => {
    const d = await client.decide({ customer_id: 'flaky-a', trigger: 'cart_abandoned', request_id: 'req-1' });
    expect(d.decision_id).toBeTruthy();
    expect(calls.get('flaky-a')).toBe(2);

    const err = await client.decide({ customer_id: 'flaky-b', trigger: 'cart_abandoned' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TactRequestError);
    expect((err as TactRequestError).code).toBe(grpc.status.UNAVAILABLE);
    expect((err as TactRequestError).retryDelayMs).toBe(1000);
    expect(calls.get('flaky-b')).toBe(1);
  });

  it('exposes the field violations of INVALID_ARGUMENT and does not retry it', async () => {
    const err = (await client.decide({ customer_id: '', trigger: 'cart_abandoned', request_id: 'r-2' }).catch((e: unknown) => e)) as TactRequestError;
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err.fieldViolations.map((v) => v.field)).toEqual(['customer_id']);
    expect(err.message).toMatch(/^INVALID_ARGUMENT: customer_id: /);
  });

  it('sends the token as authorization: Bearer, asking a token function per call', async () => {
    let seen: string | undefined;
    const server = new grpc.Server();
    const { loadTactDefinition, loadTactProto } = await import('../../src/server/proto.js');
    const proto = loadTactProto(loadTactDefinition());
    server.addService(proto.tact.v1.DecisionService.service, {
      Reward: (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        seen = call.metadata.get('authorization')[0] as string;
        cb(null, { status: 'JOINED' });
      },
    } as grpc.UntypedServiceImplementation);
    const port = await new Promise<number>((ok, fail) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? fail(e) : ok(p))));
    const authed = new TactClient({ address: `127.0.0.1:${port}`, token: () => 'tok-123' });
    try {
      await authed.reward({ decision_id: 'x', value: 1 });
      expect(seen).toBe('Bearer tok-123');
    } finally {
      authed.close();
      server.forceShutdown();
    }
  });
});
