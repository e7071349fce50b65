import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTactProto } from '../../src/server/proto.js';
import { parsePromText, sumSeries } from '../support/prom-text.js';
import { serveSuite } from '../support/served.js';

const UNARY = ['Decide', 'Reward', 'RecordEvent', 'SetConsent', 'ForgetCustomer'] as const;
const ADMIN = ['Promote', 'Rollback', 'ListPolicies'] as const;

/** A valid message of each method, serialised, to truncate. */
function validMessages(): Record<string, Buffer> {
  const svc = loadTactProto().tact.v1.DecisionService.service;
  const ser = (m: string, v: object) => (svc[m as keyof typeof svc] as unknown as { requestSerialize(v: object): Buffer }).requestSerialize(v);
  return {
    Decide: ser('Decide', { customer_id: 'c', trigger: 't', context: { numeric: { x: 1 }, categorical: { k: 'v' } }, candidates: [{ id: 'a', channel: 'email', features: { numeric: { d: 0.1 } } }] }),
    Reward: ser('Reward', { decision_id: 'abc.def', value: 1, event_id: 'e' }),
    RecordEvent: ser('RecordEvent', { customer_id: 'c', type: 'PROFILE_UPDATE', attributes: { numeric: { age: 30 } } }),
    SetConsent: ser('SetConsent', { customer_id: 'c', channels: { email: true }, time_zone: 'Europe/Paris' }),
    ForgetCustomer: ser('ForgetCustomer', { customer_id: 'c' }),
  };
}

describe('random bytes and truncated messages on every method', () => {
  const server = serveSuite({ seed: 8 });
  let raw: grpc.Client;

  beforeAll(() => {
    raw = new grpc.Client(`127.0.0.1:${server.running.grpc.port}`, grpc.credentials.createInsecure());
  });
  afterAll(() => raw.close());

  const unary = (path: string, body: Buffer) =>
    new Promise<grpc.ServiceError | null>((resolve) =>
      raw.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, body, { deadline: Date.now() + 5000 }, (err) => resolve(err)),
    );
  const stream = (bodies: Buffer[]) =>
    new Promise<grpc.ServiceError | null>((resolve) => {
      const call = raw.makeClientStreamRequest('/tact.v1.DecisionService/RewardStream', (b: Buffer) => b, (b: Buffer) => b, { deadline: Date.now() + 5000 }, (err) => resolve(err));
      for (const b of bodies) call.write(b);
      call.end();
    });

  it('stays up and keeps answering ordinary calls', async () => {
    const valid = validMessages();
    const methods = [
      ...UNARY.map((m) => `/tact.v1.DecisionService/${m}`),
      ...ADMIN.map((m) => `/tact.v1.PolicyAdmin/${m}`),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...methods, 'stream'),
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
          fc.constantFrom(...Object.values(valid)).chain((b) => fc.nat({ max: b.length }).map((n) => b.subarray(0, n))),
        ),
        async (method, body) => {
          const err = method === 'stream' ? await stream([body, body]) : await unary(method, body);
          // Any status is fine, as long as it is a status.
          if (err) expect(typeof err.code).toBe('number');
        },
      ),
      { seed: 10, numRuns: 80 },
    );
    const d = await server.client.decide({ customer_id: 'after', trigger: 'cart_abandoned' });
    expect(d.decision_id).toMatch(/\./);
    // Garbage is the client's fault: nothing our handlers did failed.
    const s = parsePromText(await (await fetch(`http://127.0.0.1:${server.running.metricsServer.port}/metrics`)).text());
    expect(Number.isNaN(sumSeries(s, 'tact_internal_errors_total')) || sumSeries(s, 'tact_internal_errors_total') === 0).toBe(true);
  });
});
